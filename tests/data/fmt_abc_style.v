// Written in the style of ABC and the EPFL suite: escaped names, non-ANSI ports.
module \top.cell ( 
    \in[0] , \in[1] , sel,
    \out[0] , \out[1]  );
  input  \in[0] , \in[1] , sel;
  output \out[0] , \out[1] ;
  wire n5, n6;
  assign n5 = \in[0]  & ~sel;
  assign n6 = ~\in[1]  & sel;
  assign \out[0]  = n5 | n6;
  assign \out[1]  = 1'b1;
endmodule
