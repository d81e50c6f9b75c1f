"""A netlist compiled for the numba kernel: the opcode table of the bit-packed evaluator.

:func:`compile_netlist` turns a :class:`~btfsynth.netlist.Netlist` into a :class:`Program`, a
flat opcode table that one generic numba kernel (:mod:`btfsynth.sim.kernels`) interprets block
by block:

* BUF/NOT and one-input gates become aliases (no operation); OR is an AND with inverted fan-ins
  and output; SOP covers that are one cube, one literal per cube, or a two-input XOR/XNOR
  become AND/XOR operations. Output inversions move into the literals of the readers, and the
  fan-in inversions of two-input AND/XOR and MAJ3 into the opcode (AND2, ANDN2, OR2, XOR2,
  MAJ3, MAJ3N), so the hot loops of the kernel apply no masks; MAJ and THRESHOLD gates become
  bit-sliced counters (each fan-in's value is added, per set bit of its weight, to planes of a
  binary counter, 64 rows at a time) compared with the threshold, with special cases for
  AND/OR/MAJ3-like thresholds.
* Gates outside the cone of the outputs are dropped, and each gate value gets a *slot* that is
  reused once its last reader has run (linear-scan allocation in topological order), so the
  values of one block of words (``slots × block`` words) stay in cache.

Threshold networks are compiled through their exact THRESHOLD netlist
(:func:`btfsynth.threshold_netlist.network_to_netlist`, see :func:`as_program`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import BtfsynthError
from ..netlist import Gate, Kind, Netlist
from ..network import ThresholdNetwork
from ..threshold_netlist import network_to_netlist
from . import kernels as kern
from .reference import Lit, bits_of, positive_form

CACHE_BYTES = 1 << 20
"""Target size of one block's gate values (a share of the L2 cache)."""
MAX_BLOCK_WORDS = 512
CHUNK_WORK = 1 << 27
"""Operation·words per kernel call: between calls Ctrl-C is honoured and progress is drawn."""
CHUNK_OUT_BYTES = 1 << 26


@dataclass
class _Op:
    code: int
    fanins: list[Lit]
    out_inv: bool = False
    aux: int = 0
    weights: tuple[int, ...] = ()
    threshold: int = 0
    cube_sizes: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Program:
    """A netlist flattened for the kernel.

    Per operation ``i``: the record ``rec[i]`` = (opcode, slot written, then the operand slots
    a, b, c of the fast operations or the input index of an input), fan-in entries
    ``fptr[i]:fptr[i+1]`` of ``fslot``/``fmask`` (read by the general operations); SOP cubes
    ``gcube[i]:gcube[i+1]``, cube ``c`` owning fan-in entries ``cbeg[c]:cend[c]``; THRESHOLD
    weight bit positions ``wptr[e]:wptr[e+1]`` of ``wbits`` per fan-in entry and threshold bits
    (LSB first) ``tptr[i]:tptr[i+1]`` of ``tbits``. Outputs read slot ``oslot[k]`` xor
    ``oomask[k]``.
    """

    rec: np.ndarray
    fptr: np.ndarray
    fslot: np.ndarray
    fmask: np.ndarray
    gcube: np.ndarray
    cbeg: np.ndarray
    cend: np.ndarray
    wptr: np.ndarray
    wbits: np.ndarray
    tptr: np.ndarray
    tbits: np.ndarray
    oslot: np.ndarray
    oomask: np.ndarray
    n_slots: int
    max_bits: int
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    @property
    def n_outputs(self) -> int:
        return len(self.output_names)

    @property
    def n_ops(self) -> int:
        return len(self.rec)

    def block_words(self) -> int:
        """Words per block: all slot values of a block fit in :data:`CACHE_BYTES`."""
        words = CACHE_BYTES // (8 * max(self.n_slots, 1))
        return int(min(MAX_BLOCK_WORDS, max(8, words - words % 8)))

    def chunk_words(self) -> int:
        """Words per kernel call: about :data:`CHUNK_WORK` op·words, whole blocks."""
        block = self.block_words()
        words = min(
            CHUNK_WORK // max(self.n_ops, 1), CHUNK_OUT_BYTES // (8 * max(self.n_outputs, 1))
        )
        return max(block, words - words % block)


# -- lowering gates to operations ----------------------------------------------------------------
def _const(value: bool) -> _Op:
    return _Op(kern.OP_AND, [], out_inv=not value)


def _and(lits: list[Lit], out_inv: bool = False) -> _Op | Lit:
    if len(lits) == 1:
        return (lits[0][0], lits[0][1] ^ out_inv)
    return _Op(kern.OP_AND2 if len(lits) == 2 else kern.OP_AND, lits, out_inv)


def _negated(lits: list[Lit]) -> list[Lit]:
    return [(v, not inv) for v, inv in lits]


def _threshold(lits: list[Lit], weights: Sequence[int], threshold: int) -> _Op | Lit:
    lits, ws, t = positive_form(lits, weights, threshold)
    total = sum(ws)
    if t <= 0 or t > total:
        return _const(t <= 0)
    g = math.gcd(*ws)
    ws = [w // g for w in ws]
    t = -(-t // g)
    if all(w == 1 for w in ws):
        if t == len(ws):
            return _and(lits)
        if t == 1:
            return _and(_negated(lits), out_inv=True)
        if len(ws) == 3:
            return _Op(kern.OP_MAJ3, lits)
    return _Op(kern.OP_THRESH, lits, weights=tuple(ws), threshold=t)


def _sop(ins: list[Lit], cover: Sequence[str], onset: bool) -> _Op | Lit:
    cubes = [
        [(v, inv ^ (ch == "0")) for ch, (v, inv) in zip(cube, ins) if ch != "-"] for cube in cover
    ]
    if any(not c for c in cubes) or not cubes:
        return _const(bool(cubes) == onset)
    if len(cubes) == 1:
        return _and(cubes[0], out_inv=not onset)
    if all(len(c) == 1 for c in cubes):
        return _and(_negated([c[0] for c in cubes]), out_inv=onset)
    if len(ins) == 2 and sorted(cover) in (["01", "10"], ["00", "11"]):
        return _Op(kern.OP_XOR2, list(ins), out_inv=(sorted(cover) == ["00", "11"]) == onset)
    fanins = [lit for c in cubes for lit in c]
    return _Op(kern.OP_SOP, fanins, out_inv=not onset, cube_sizes=tuple(len(c) for c in cubes))


def _lower(g: Gate, ins: list[Lit]) -> _Op | Lit:
    kind = g.kind
    if kind in (Kind.CONST0, Kind.CONST1):
        return _const(kind is Kind.CONST1)
    if kind is Kind.BUF:
        return ins[0]
    if kind is Kind.NOT:
        return (ins[0][0], not ins[0][1])
    if kind is Kind.AND:
        return _and(ins)
    if kind is Kind.OR:
        return _and(_negated(ins), out_inv=True)
    if kind is Kind.XOR:
        if len(ins) == 1:
            return ins[0]
        return _Op(kern.OP_XOR2 if len(ins) == 2 else kern.OP_XOR, ins)
    if kind is Kind.MAJ:
        return _threshold(ins, [1] * len(ins), (len(ins) + 1) // 2)
    if kind is Kind.THRESHOLD:
        return _threshold(ins, g.weights, g.threshold)
    if kind is Kind.SOP:
        return _sop(ins, g.cover, g.onset)
    raise BtfsynthError(f"cannot evaluate gate kind {kind}")


def _normalise(o: _Op) -> tuple[_Op, bool]:
    """The operation without its output inversion (returned, for the readers' literals), and
    for XOR, AND2 and MAJ3 without fan-in inversions: these move to the output (XOR parity,
    ``¬a∧¬b = ¬(a∨b)``, ``MAJ(¬a,¬b,¬c) = ¬MAJ(a,b,c)``) or into the opcode (ANDN2, MAJ3N
    with the inverted fan-in last)."""
    inv, lits, code = o.out_inv, o.fanins, o.code
    if code in (kern.OP_XOR2, kern.OP_XOR):
        inv ^= sum(i for _, i in lits) % 2 == 1
        lits = [(v, False) for v, _ in lits]
    elif code == kern.OP_AND2:
        (x, ix), (y, iy) = lits
        if ix and iy:
            code, inv = kern.OP_OR2, not inv
        elif ix:
            code, x, y = kern.OP_ANDN2, y, x
        elif iy:
            code = kern.OP_ANDN2
        lits = [(x, False), (y, False)]
    elif code == kern.OP_MAJ3:
        if sum(i for _, i in lits) >= 2:
            lits, inv = _negated(lits), not inv
        lits = sorted(lits, key=lambda lit: lit[1])
        code = kern.OP_MAJ3N if lits[2][1] else kern.OP_MAJ3
        lits = [(v, False) for v, _ in lits]
    return dataclasses.replace(o, code=code, fanins=lits, out_inv=False), inv


def compile_netlist(netlist: Netlist) -> Program:
    """Flatten a (valid) netlist into a :class:`Program` for the kernel."""
    netlist.validate()
    ops: list[_Op] = []
    lit_of: list[Lit] = []
    n_in = 0
    for g in netlist.gates:
        ins = [(lit_of[f.gate][0], lit_of[f.gate][1] ^ f.inverted) for f in g.fanins]
        if g.kind is Kind.INPUT:
            lowered: _Op | Lit = _Op(kern.OP_INPUT, [], aux=n_in)
            n_in += 1
        else:
            lowered = _lower(g, ins)
        if isinstance(lowered, _Op):
            op, inv = _normalise(lowered)
            ops.append(op)
            lit_of.append((len(ops) - 1, inv))
        else:
            lit_of.append(lowered)
    outs = [(lit_of[s.gate][0], lit_of[s.gate][1] ^ s.inverted) for s in netlist.outputs]
    return _assemble(ops, outs, tuple(netlist.input_names), tuple(netlist.output_names))


def _assemble(
    ops: list[_Op], outs: list[Lit], input_names: tuple[str, ...], output_names: tuple[str, ...]
) -> Program:
    """Drop operations no output needs, allocate slots, flatten into arrays."""
    n = len(ops)
    live = [False] * n
    for v, _ in outs:
        live[v] = True
    last_use = [-1] * n
    for i in range(n - 1, -1, -1):
        if live[i]:
            for v, _ in ops[i].fanins:
                live[v] = True
                last_use[v] = max(last_use[v], i)
    for v, _ in outs:
        last_use[v] = n
    slot = [-1] * n
    free: list[int] = []
    n_slots = 0
    order = [i for i in range(n) if live[i]]
    for i in order:
        if free:
            slot[i] = free.pop()
        else:
            slot[i] = n_slots
            n_slots += 1
        for v in {v for v, _ in ops[i].fanins}:
            if last_use[v] == i:
                free.append(slot[v])

    all_ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    rec, fptr, fslot, fmask = [], [0], [], []
    gcube, cbeg, cend, wptr, wbits, tptr, tbits = [0], [], [], [0], [], [0], []
    max_bits = 0
    for i in order:
        o = ops[i]
        operands = [o.aux] if o.code == kern.OP_INPUT else []
        if o.code in kern.FAST_OPS:
            operands = [slot[v] for v, _ in o.fanins]
        rec.append([o.code, slot[i], *operands] + [0] * (3 - len(operands)))
        pos = len(fslot)
        for size in o.cube_sizes:
            cbeg.append(pos)
            pos += size
            cend.append(pos)
        gcube.append(len(cbeg))
        for v, inv in o.fanins:
            fslot.append(slot[v])
            fmask.append(inv)
        fptr.append(len(fslot))
        if o.code == kern.OP_THRESH:
            for w in o.weights:
                wbits.extend(bits_of(w))
                wptr.append(len(wbits))
            width = sum(o.weights).bit_length()
            tbits.extend((o.threshold >> q) & 1 for q in range(width))
            max_bits = max(max_bits, width)
        else:
            wptr.extend([len(wbits)] * len(o.fanins))
        tptr.append(len(tbits))

    def masks(flags: list[bool]) -> np.ndarray:
        return np.where(np.array(flags, dtype=bool), all_ones, np.uint64(0)).astype(np.uint64)

    def ints(values: list[int], dtype=np.int64) -> np.ndarray:
        return np.array(values, dtype=dtype)

    return Program(
        rec=ints(rec).reshape(-1, 5), fptr=ints(fptr), fslot=ints(fslot), fmask=masks(fmask),
        gcube=ints(gcube), cbeg=ints(cbeg), cend=ints(cend), wptr=ints(wptr), wbits=ints(wbits),
        tptr=ints(tptr), tbits=ints(tbits, np.uint8), oslot=ints([slot[v] for v, _ in outs]),
        oomask=masks([inv for _, inv in outs]), n_slots=max(n_slots, 1), max_bits=max_bits,
        input_names=input_names, output_names=output_names,
    )  # fmt: skip


Circuit = Netlist | ThresholdNetwork | Program
"""What the evaluator and the checks accept."""


def as_program(circuit: Circuit) -> Program:
    """Compile a netlist or threshold network (a :class:`Program` is returned as is)."""
    if isinstance(circuit, Program):
        return circuit
    if isinstance(circuit, ThresholdNetwork):
        circuit = network_to_netlist(circuit)
    return compile_netlist(circuit)
