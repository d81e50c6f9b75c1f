"""Bit-packed evaluation of netlists and threshold networks: 64 rows per uint64 word.

A :class:`~btfsynth.netlist.Netlist` is compiled into a :class:`Program`, a flat opcode table
that one generic numba kernel (:mod:`btfsynth.bitsim_kernels`) interprets block by block:

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
* Inputs come from packed bit planes (design.md layout: row ``r`` in bit ``r % 64`` of word
  ``r // 64``) or, for exhaustive checks, are generated from the word index inside the kernel,
  so 2^n patterns are evaluated chunk by chunk in bounded memory.

Threshold networks are evaluated exactly: :func:`network_to_netlist` turns every BTF node into a
THRESHOLD gate with integer weights (float weights are dyadic rationals, so dividing them by
their exact rational gcd gives exact integers; the counter planes grow to whatever width these
integers need). The result is the exact sign of the real-valued field, which can differ from the
float forward pass only where that pass's rounding error exceeds ``|h|``.

:func:`evaluate_packed_numpy` is the plain numpy per-gate path used as the reference in tests
and as the baseline in ``benchmarks/bitsim_speed.py``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numba
import numpy as np

from . import bitsim_kernels as kern
from .errors import BtfsynthError
from .netlist import Gate, Kind, Netlist
from .network import ThresholdNetwork
from .truthtable import pack_bits, unpack_bits

CACHE_BYTES = 1 << 20
"""Target size of one block's gate values (a share of the L2 cache)."""
MAX_BLOCK_WORDS = 512
CHUNK_WORK = 1 << 27
"""Operation·words per kernel call: between calls Ctrl-C is honoured and progress is drawn."""
CHUNK_OUT_BYTES = 1 << 26
MAX_EXHAUSTIVE_INPUTS = 40

Lit = tuple[int, bool]  # (value id, inverted)


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


def positive_form(
    lits: Sequence[Lit], weights: Sequence[int], threshold: int
) -> tuple[list[Lit], list[int], int]:
    """``Σ w·v ≥ T`` rewritten with positive weights: ``w·v = w + |w|·¬v`` for ``w < 0``, so
    negative weights flip the literal and raise the threshold; zero weights are dropped."""
    out_lits, out_w = [], []
    for (v, inv), w in zip(lits, weights):
        w = int(w)
        if w < 0:
            inv, w, threshold = not inv, -w, threshold - w
        if w:
            out_lits.append((v, inv))
            out_w.append(w)
    return out_lits, out_w, int(threshold)


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


def _bits_of(x: int) -> list[int]:
    return [q for q in range(x.bit_length()) if (x >> q) & 1]


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
                wbits.extend(_bits_of(w))
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


# -- threshold networks --------------------------------------------------------------------------
def exact_integer_weights(weights: Sequence[float]) -> list[int]:
    """Integers proportional to ``weights`` with the same ratios exactly (not rounded).

    Every finite float is an integer times a power of two, so multiplying by the largest
    denominator and dividing by the gcd gives the smallest exact integers; weights that are
    multiples of a common unit (±1 networks) become small integers.

    >>> exact_integer_weights([0.75, -0.25, 0.5])
    [3, -1, 2]
    """
    fracs = [Fraction(float(w)) for w in weights]
    if not all(math.isfinite(float(w)) for w in weights):
        raise BtfsynthError("the network has a NaN or infinite weight")
    scale = max((f.denominator for f in fracs), default=1)
    ints = [int(f * scale) for f in fracs]
    g = math.gcd(*ints) or 1
    return [x // g for x in ints]


def network_to_netlist(net: ThresholdNetwork) -> Netlist:
    """A netlist of exact THRESHOLD gates computing the network's binary outputs.

    A BTF node is +1 when ``h = Σ w·y > 0`` with ``y = 2x − 1`` (the bias node is x = 0), i.e.
    ``Σ 2W·x ≥ ΣW + 1`` for the exact integer weights ``W`` of :func:`exact_integer_weights`.
    """
    if net.output_kind != "binary":
        raise BtfsynthError("only networks with binary outputs can be evaluated bit-packed")
    nl = Netlist(name=str(net.metadata.get("name", "network")))
    signals = [nl.add_const(False)] + [nl.add_input(name) for name in net.input_names]
    for v in net.btf_nodes:
        src, w = net.node_weights(v)
        ints = exact_integer_weights(w)
        signals.append(
            nl.add_gate(
                Kind.THRESHOLD,
                [signals[s] for s in src],
                name=f"n{v}",
                weights=tuple(2 * x for x in ints),
                threshold=sum(ints) + 1,
            )  # fmt: skip
        )
    for name, v in zip(net.output_names, net.output_nodes):
        nl.add_output(signals[v], name)
    return nl


Circuit = Netlist | ThresholdNetwork | Program


def as_program(circuit: Circuit) -> Program:
    """Compile a netlist or threshold network (a :class:`Program` is returned as is)."""
    if isinstance(circuit, Program):
        return circuit
    if isinstance(circuit, ThresholdNetwork):
        circuit = network_to_netlist(circuit)
    return compile_netlist(circuit)


# -- running the kernel --------------------------------------------------------------------------
_NO_PLANES = np.zeros((0, 0), dtype=np.uint64)


def run_words(
    program: Program,
    word0: int,
    n_words: int,
    planes: np.ndarray | None = None,
    threads: int | None = None,
) -> np.ndarray:
    """Output planes ``(m, n_words)`` for words ``word0 ..`` of the input planes, or of the
    exhaustive enumeration of all 2^n input rows when ``planes`` is None."""
    out = np.empty((program.n_outputs, n_words), dtype=np.uint64)
    if n_words == 0 or program.n_outputs == 0:
        return out
    if planes is None:
        mode, planes = kern.MODE_EXHAUSTIVE, _NO_PLANES
    else:
        mode = kern.MODE_PLANES
        planes = np.ascontiguousarray(planes, dtype=np.uint64)
        if planes.shape[0] != program.n_inputs or planes.shape[1] < word0 + n_words:
            raise BtfsynthError(
                f"input planes of shape {planes.shape} for {program.n_inputs} inputs and "
                f"words {word0}..{word0 + n_words}"
            )
    block = program.block_words()
    n_blocks = -(-n_words // block)
    n_threads = max(1, min(threads or numba.get_num_threads(), n_blocks))
    p = program
    kern.run_chunk(
        p.rec, p.fptr, p.fslot, p.fmask, p.gcube, p.cbeg, p.cend, p.wptr, p.wbits, p.tptr,
        p.tbits, p.oslot, p.oomask, p.n_slots, p.max_bits, block, mode, p.n_inputs, planes,
        word0, out, n_threads=n_threads,
    )  # fmt: skip
    return out


def iter_chunks(
    program: Program,
    planes: np.ndarray | None = None,
    n_words: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(word0, output planes)`` chunk by chunk over the input planes, or over all 2^n
    rows (``planes`` None); between chunks Ctrl-C is honoured and ``progress(done, total)`` is
    called with the operation·words done so far and in all.
    Bits past the last row (when 2^n < 64) are not defined: mask them with :func:`valid_mask`."""
    if planes is None:
        n = program.n_inputs
        if n > MAX_EXHAUSTIVE_INPUTS:
            raise BtfsynthError(f"2^{n} rows are too many to enumerate")
        total = -(-(1 << n) // 64)
    else:
        total = planes.shape[1] if n_words is None else n_words
    step = program.chunk_words()
    ops = max(program.n_ops, 1)
    for word0 in range(0, total, step):
        count = min(step, total - word0)
        yield word0, run_words(program, word0, count, planes, threads)
        if progress is not None:
            progress((word0 + count) * ops, total * ops)


def evaluate_packed(circuit: Circuit, planes: np.ndarray, threads: int | None = None) -> np.ndarray:
    """Output planes ``(m, words)`` of a netlist or network for input planes ``(n, words)``."""
    program = as_program(circuit)
    planes = np.ascontiguousarray(planes, dtype=np.uint64)
    out = np.empty((program.n_outputs, planes.shape[1]), dtype=np.uint64)
    for word0, chunk in iter_chunks(program, planes, threads=threads):
        out[:, word0 : word0 + chunk.shape[1]] = chunk
    return out


def evaluate_rows(circuit: Circuit, rows: np.ndarray) -> np.ndarray:
    """0/1 output rows ``(rows, m)`` for 0/1 input rows ``(rows, n)``."""
    program = as_program(circuit)
    rows = np.asarray(rows, dtype=np.uint8)
    if rows.ndim != 2 or rows.shape[1] != program.n_inputs:
        raise BtfsynthError(
            f"the circuit has {program.n_inputs} inputs, the rows have shape {rows.shape}"
        )
    if program.n_outputs == 0:
        return np.zeros((len(rows), 0), dtype=np.uint8)
    return unpack_bits(evaluate_packed(program, pack_bits(rows)), len(rows))


def exhaustive_planes(n_inputs: int, word0: int = 0, n_words: int | None = None) -> np.ndarray:
    """Input planes ``(n, words)`` of the complete enumeration (first input the MSB of the row
    number), words ``word0 ..``, padding bits 0; what the kernel generates on the fly, for
    tests and the numpy path."""
    if n_words is None:
        n_words = -(-(1 << n_inputs) // 64) - word0
    planes = np.empty((n_inputs, n_words), dtype=np.uint64)
    words = np.arange(word0, word0 + n_words, dtype=np.uint64)
    for j in range(n_inputs):
        s = n_inputs - 1 - j
        if s < 6:
            planes[j] = kern.LOW_PATTERNS[s]
        else:
            bit = (words >> np.uint64(s - 6)) & np.uint64(1)
            planes[j] = np.uint64(0) - bit
    return planes & valid_mask(1 << n_inputs, word0, n_words)


def valid_mask(n_rows: int, word0: int, n_words: int) -> np.ndarray:
    """Per word, the mask of bits that are real rows (the padding of the last word is 0)."""
    mask = np.full(n_words, 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    last = n_rows - 64 * word0  # rows left from word0 on
    full, rest = divmod(max(last, 0), 64)
    if full < n_words:
        mask[full] = np.uint64((1 << rest) - 1)
        mask[full + 1 :] = 0
    return mask


def popcount(words: np.ndarray, axis: int | None = None) -> np.ndarray | int:
    """Number of set bits (over ``axis``, or in total)."""
    if hasattr(np, "bitwise_count"):
        counts = np.bitwise_count(words)
    else:  # numpy < 2.0
        as_bytes = np.ascontiguousarray(words).view(np.uint8).reshape(*words.shape, 8)
        counts = np.unpackbits(as_bytes, axis=-1).sum(axis=-1)
    return int(counts.sum()) if axis is None else counts.sum(axis=axis, dtype=np.int64)


# -- the plain numpy reference -------------------------------------------------------------------
def _np_counter_ge(
    ins: list[np.ndarray], weights: Sequence[int], threshold: int, words: int
) -> np.ndarray:
    """Bit-sliced ``Σ w·v ≥ T`` over packed planes, with numpy operations per plane."""
    lits, ws, t = positive_form([(k, False) for k in range(len(ins))], weights, threshold)
    ones = np.full(words, 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    if t <= 0 or t > sum(ws):
        return ones if t <= 0 else np.zeros(words, dtype=np.uint64)
    width = sum(ws).bit_length()
    acc = [np.zeros(words, dtype=np.uint64) for _ in range(width)]
    for (k, inv), w in zip(lits, ws):
        u = ~ins[k] if inv else ins[k]
        for q0 in _bits_of(w):
            carry = u
            for q in range(q0, width):
                acc[q], carry = acc[q] ^ carry, acc[q] & carry
    gt, eq = np.zeros(words, dtype=np.uint64), ones
    for q in range(width - 1, -1, -1):
        if (t >> q) & 1:
            eq = eq & acc[q]
        else:
            gt = gt | (eq & acc[q])
            eq = eq & ~acc[q]
    return gt | eq


def _np_gate(g: Gate, ins: list[np.ndarray], words: int) -> np.ndarray:
    kind = g.kind
    ones = np.full(words, 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    if kind in (Kind.CONST0, Kind.CONST1):
        return ones if kind is Kind.CONST1 else np.zeros(words, dtype=np.uint64)
    if kind is Kind.BUF:
        return ins[0]
    if kind is Kind.NOT:
        return ~ins[0]
    if kind is Kind.AND:
        return np.bitwise_and.reduce(ins)
    if kind is Kind.OR:
        return np.bitwise_or.reduce(ins)
    if kind is Kind.XOR:
        return np.bitwise_xor.reduce(ins)
    if kind is Kind.MAJ:
        return _np_counter_ge(ins, [1] * len(ins), (len(ins) + 1) // 2, words)
    if kind is Kind.THRESHOLD:
        return _np_counter_ge(ins, g.weights, g.threshold, words)
    if kind is Kind.SOP:
        hit = np.zeros(words, dtype=np.uint64)
        for cube in g.cover:
            match = ones
            for ch, v in zip(cube, ins):
                if ch != "-":
                    match = match & (v if ch == "1" else ~v)
            hit = hit | match
        return hit if g.onset else ~hit
    raise BtfsynthError(f"cannot evaluate gate kind {kind}")


def evaluate_packed_numpy(netlist: Netlist, planes: np.ndarray) -> np.ndarray:
    """The reference path: one numpy operation per gate over all words at once, each gate
    value freed after its last reader. Output planes ``(m, words)``."""
    netlist.validate()
    planes = np.asarray(planes, dtype=np.uint64)
    if planes.shape[0] != netlist.n_inputs:
        raise BtfsynthError(f"{planes.shape[0]} input planes for {netlist.n_inputs} inputs")
    words = planes.shape[1]
    last = [-1] * len(netlist.gates)
    for i, g in enumerate(netlist.gates):
        for f in g.fanins:
            last[f.gate] = i
    for s in netlist.outputs:
        last[s.gate] = len(netlist.gates)
    values: list[np.ndarray | None] = [None] * len(netlist.gates)
    next_input = 0
    for i, g in enumerate(netlist.gates):
        if g.kind is Kind.INPUT:
            values[i] = planes[next_input]
            next_input += 1
        else:
            ins = [~values[f.gate] if f.inverted else values[f.gate] for f in g.fanins]
            values[i] = _np_gate(g, ins, words)
        for f in g.fanins:
            if last[f.gate] == i:
                values[f.gate] = None
    out = np.empty((netlist.n_outputs, words), dtype=np.uint64)
    for k, s in enumerate(netlist.outputs):
        out[k] = ~values[s.gate] if s.inverted else values[s.gate]
    return out
