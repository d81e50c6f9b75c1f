/* Structural Verilog with vectors, primitives, a mux, constants, out-of-order use,
   a net declaration assignment and a second, unused module. */
`timescale 1ns/1ps
module mixed (input [1:0] a, input b, output [2:0] y, output z, output w);
  wire t, u;
  wire v = ~(a[1] ^ b);      // xnor
  assign y[0] = t;           // t is driven below
  nand g1 (t, a[0], a[1]);
  xor (u, a[0], b, a[1]);
  assign y[2:1] = {u, v};
  assign z = b ? a[1] : 1'h0;
  buf (w, t);
endmodule

module spare (input x, output y);
  assign y = ~x;
endmodule
