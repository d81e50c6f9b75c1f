"""Seeded generators of the paper's tasks (docs/method.md §5–§6) and the task spec parser.

Every generator returns a :class:`Task`: the data (a :class:`TruthTable`, or a generative
:class:`Dataset` for the decoder), the layer widths the paper used for it where there are some,
and, for planted circuits, the planted circuit as a gate :class:`Netlist` and as an equivalent
:class:`ThresholdNetwork`.

Conventions: multi-bit operands and results are listed most significant bit first (``a1 a0 b1
b0`` → ``p3 p2 p1 p0``), as in the reference data files. Sampled tasks (cellular automata,
planted circuits, autoencoder words) draw *distinct* uniformly random rows, in random order, so
that the paper's protocol "train on the first N rows, test on the rest" never tests on a row it
trained on; asking for more rows than the input space holds is an error.

Task specs (``btfsynth gen SPEC``)::

    mult:N  adder:N  parity:N  maj:N  sorter:N  ca:RULE:CELLS:STEPS  autoencoder:K
    planted-andor:W0-W1-...  planted-maj:W0-W1-...  decoder:WORDS:BITS
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .dataset import Dataset
from .errors import BtfsynthError
from .netlist import Kind, Netlist, Signal
from .network import ThresholdNetwork
from .truthtable import (
    MAX_COMPLETE_INPUTS,
    Seed,
    TruthTable,
    check_complete_size,
    rng_from,
)

DEFAULT_ITEMS = 10_000
"""Rows drawn for sampled tasks, as in the paper's random-circuit and automaton data."""

DEFAULT_P = 0.5
"""Probability that a planted node is a 2-literal AND/OR (or MAJ3) rather than a BUF/NOT: the
value of the paper's random circuits (reference command ``layered_andor .5 5.wth``)."""

MAX_ITEMS = 1 << MAX_COMPLETE_INPUTS
"""Sampled tasks are refused above as many rows as the largest complete table."""

MAX_AUTOENCODER_K = 12
"""autoencoder:K holds 4**K bits; K = 12 is 16 M bits."""

BLOCK_ROWS = 1 << 16
"""Rows per block when building or converting large tables (bounds the int64 temporaries)."""

_PAPER_MULT_WIDTHS = {2: [4, 4, 4, 4], 3: [6, 12, 12, 12, 6]}


@dataclass(eq=False)
class Task:
    """A generated learning problem.

    ``data`` is a :class:`TruthTable`, or a :class:`Dataset` for generative tasks (no inputs);
    ``widths`` are the layer widths (inputs, hidden..., outputs) the paper used, or None;
    ``planted`` / ``planted_network`` hold the circuit that generated the data of a planted
    task, as gates and as an equivalent ±1-pattern threshold network.
    """

    name: str
    spec: str
    data: TruthTable | Dataset
    widths: list[int] | None = None
    planted: Netlist | None = None
    planted_network: ThresholdNetwork | None = None

    @property
    def table(self) -> TruthTable:
        """The task's truth table; generative tasks have none (their inputs are free codes)."""
        if isinstance(self.data, Dataset):
            raise BtfsynthError(
                f"task {self.spec!r} is generative (no input data) and has no truth table"
            )
        return self.data

    @property
    def dataset(self) -> Dataset:
        """The task's items as the learner takes them."""
        return self.data if isinstance(self.data, Dataset) else Dataset.from_table(self.data)


# -- bits and rows ---------------------------------------------------------------------------


def int_bits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as rows of ``width`` bits, most significant first (uint8).

    Works in blocks of rows so that the int64 temporaries stay small next to the result.

    >>> int_bits(np.array([2, 5]), 3).tolist()
    [[0, 1, 0], [1, 0, 1]]
    """
    values = np.asarray(values, dtype=np.int64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64)
    bits = np.empty((len(values), width), dtype=np.uint8)
    for start in range(0, len(values), BLOCK_ROWS):
        block = values[start : start + BLOCK_ROWS, None]
        bits[start : start + len(block)] = (block >> shifts) & 1
    return bits


def _complete_table(
    n: int,
    m: int,
    block_outputs: Callable[[np.ndarray, np.ndarray], np.ndarray],
    input_names: Sequence[str],
    output_names: Sequence[str],
    name: str,
) -> TruthTable:
    """The complete table over n inputs, its outputs computed block by block of rows.

    ``block_outputs(numbers, inputs)`` gets the canonical row numbers (int64) and input bits
    of a block and returns its (rows, m) 0/1 outputs. Building by blocks keeps the peak memory
    near the table itself, rows × (n + m) bytes, even at 2^26 rows.
    """
    check_complete_size(n)
    size = 1 << n
    outputs = np.empty((size, m), dtype=np.uint8)
    for start in range(0, size, BLOCK_ROWS):
        numbers = np.arange(start, min(start + BLOCK_ROWS, size), dtype=np.int64)
        outputs[start : start + len(numbers)] = block_outputs(numbers, int_bits(numbers, n))
    return TruthTable.from_outputs(outputs, None, input_names, output_names, name)


def random_rows(n: int, items: int, seed: Seed = None) -> np.ndarray:
    """``items`` distinct uniformly random rows of ``n`` bits, in random order, shape (items, n).

    Distinct rows keep train and test sets disjoint under a first-N split.
    """
    _check_items(items, n)
    rng = rng_from(seed)
    if n <= 62:
        return int_bits(rng.choice(1 << n, size=items, replace=False), n)
    # 2**n is far beyond any row count here: redraw the rare duplicates until none are left.
    rows = rng.integers(0, 2, size=(items, n), dtype=np.uint8)
    while True:
        _, first = np.unique(rows, axis=0, return_index=True)
        if len(first) == items:
            return rows
        kept = rows[np.sort(first)]
        fresh = rng.integers(0, 2, size=(items - len(kept), n), dtype=np.uint8)
        rows = np.concatenate([kept, fresh])


def _check_items(items: int, n: int) -> None:
    if not 1 <= items <= MAX_ITEMS:
        raise BtfsynthError(f"items must lie in 1..2^{MAX_COMPLETE_INPUTS}, not {items}")
    if n <= 62 and items > 1 << n:
        raise BtfsynthError(f"there are only 2^{n} = {1 << n} distinct inputs, not {items}")


def _default_items(items: int | None, n: int) -> int:
    """``items``, or the paper's 10 000 capped at the size of the input space."""
    if items is not None:
        return items
    return DEFAULT_ITEMS if n > 62 else min(DEFAULT_ITEMS, 1 << n)


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise BtfsynthError(message)


def _names(prefix: str, width: int) -> list[str]:
    """``prefix{width-1}`` ... ``prefix0``: the bits of a multi-bit word, MSB first."""
    return [f"{prefix}{k}" for k in range(width - 1, -1, -1)]


# -- complete arithmetic and symmetric functions ---------------------------------------------


def multiplier(n: int) -> Task:
    """The complete n×n multiplier: inputs a_{n-1}..a0 b_{n-1}..b0, outputs p_{2n-1}..p0."""
    _need(n >= 1, f"the factor width N must be >= 1, not {n}")
    mask = (1 << n) - 1

    def product(numbers: np.ndarray, _inputs: np.ndarray) -> np.ndarray:
        return int_bits((numbers >> n) * (numbers & mask), 2 * n)

    table = _complete_table(
        2 * n, 2 * n, product, _names("a", n) + _names("b", n), _names("p", 2 * n), f"mult{n}"
    )
    return Task(f"mult{n}", f"mult:{n}", table, _PAPER_MULT_WIDTHS.get(n))


def adder(n: int) -> Task:
    """The complete n-bit adder: inputs a_{n-1}..a0 b_{n-1}..b0, outputs s_n..s0 (s_n = carry)."""
    _need(n >= 1, f"the operand width N must be >= 1, not {n}")
    mask = (1 << n) - 1

    def total(numbers: np.ndarray, _inputs: np.ndarray) -> np.ndarray:
        return int_bits((numbers >> n) + (numbers & mask), n + 1)

    table = _complete_table(
        2 * n, n + 1, total, _names("a", n) + _names("b", n), _names("s", n + 1), f"adder{n}"
    )
    return Task(f"adder{n}", f"adder:{n}", table)


def _symmetric(n: int, kind: str, outputs: list[str], f: Callable[[np.ndarray], list]) -> Task:
    """A complete table over inputs x0..x{n-1} whose outputs depend on the count of ones."""
    _need(n >= 1, f"the input count N must be >= 1, not {n}")

    def count(_numbers: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        return np.stack(f(inputs.sum(axis=1, dtype=np.uint8)), axis=1)

    names = [f"x{j}" for j in range(n)]
    table = _complete_table(n, len(outputs), count, names, outputs, f"{kind}{n}")
    return Task(f"{kind}{n}", f"{kind}:{n}", table)


def parity(n: int) -> Task:
    """Odd parity of n inputs: output ``parity`` is 1 when an odd number of inputs are 1."""
    return _symmetric(n, "parity", ["parity"], lambda ones: [ones & 1])


def majority(n: int) -> Task:
    """Majority of n inputs (n odd, so that there are no ties): 1 when more than n/2 are 1."""
    _need(n % 2 == 1, f"majority needs an odd input count N, not {n}")
    return _symmetric(n, "maj", ["maj"], lambda ones: [ones > n // 2])


def sorter(n: int) -> Task:
    """A bit sorter: outputs s0..s{n-1} are the inputs sorted ascending (zeros first), i.e.
    output k is 1 when at least n−k inputs are 1."""
    return _symmetric(
        n, "sorter", [f"s{k}" for k in range(n)], lambda ones: [ones >= n - k for k in range(n)]
    )


# -- cellular automata -----------------------------------------------------------------------


def ca_evolve(states: np.ndarray, rule: int, steps: int) -> np.ndarray:
    """Run an elementary cellular automaton on periodic rings (one ring per row).

    Cell i's new value is bit ``4·left + 2·centre + right`` of ``rule``, with left = cell i−1
    and right = cell i+1 (mod the ring size), as in method.md §6.
    """
    state = np.asarray(states, dtype=np.uint8)
    for _ in range(steps):
        index = 4 * np.roll(state, 1, axis=1) + 2 * state + np.roll(state, -1, axis=1)
        state = ((rule >> index) & 1).astype(np.uint8)
    return state


def cellular_automaton(
    rule: int, cells: int, steps: int, items: int | None = None, seed: Seed = 0
) -> Task:
    """Rows (random ring state, state after ``steps`` steps) of elementary rule ``rule``.

    Inputs x0..x{L-1} and outputs y0..y{L-1} are the cells left to right. ``items`` distinct
    random initial states (default 10 000, or all 2^L when fewer). Widths: the paper's nets for
    rule 30 on 16 cells scaled with L, (L, 2L, 2L, L) for 1 step and (L, 3L, 3L, 3L, L) for 2.
    """
    _need(0 <= rule <= 255, f"an elementary rule lies in 0..255, not {rule}")
    _need(cells >= 3, f"the ring needs at least 3 cells (left, centre, right), not {cells}")
    _need(steps >= 1, f"the step count must be >= 1, not {steps}")
    inputs = random_rows(cells, _default_items(items, cells), seed)
    name = f"ca{rule}_{cells}_{steps}"
    table = TruthTable(
        inputs,
        ca_evolve(inputs, rule, steps),
        input_names=[f"x{j}" for j in range(cells)],
        output_names=[f"y{j}" for j in range(cells)],
        name=name,
    )
    widths = {1: [cells, 2 * cells, 2 * cells, cells], 2: [cells] + [3 * cells] * 3 + [cells]}
    return Task(name, f"ca:{rule}:{cells}:{steps}", table, widths.get(steps))


# -- autoencoder and decoder -----------------------------------------------------------------


def autoencoder(k: int, seed: Seed = 0) -> Task:
    """2^k distinct random (not one-hot) words of 2^k bits, each mapped to itself; the paper's
    net squeezes them through a k-node bottleneck: widths (2^k, k, 2^k, 2^k)."""
    _need(1 <= k <= MAX_AUTOENCODER_K, f"K must lie in 1..{MAX_AUTOENCODER_K}, not {k}")
    size = 1 << k
    words = random_rows(size, size, seed)
    name = f"autoencoder{k}"
    table = TruthTable(words, words, name=name)
    return Task(name, f"autoencoder:{k}", table, [size, k, size, size])


def decoder(words: int, bits: int, seed: Seed = 0) -> Task:
    """A generative problem: ``words`` distinct random words of ``bits`` bits to be produced
    from free hypercube codes of ceil(log2 words) bits (no input data); paper widths
    (code, bits, bits), e.g. 4-16-16 for 16 words of 16 bits."""
    _need(words >= 2, f"WORDS must be >= 2, not {words}")
    _need(bits >= 1, f"BITS must be >= 1, not {bits}")
    targets = random_rows(bits, words, seed)
    code = math.ceil(math.log2(words))
    data = Dataset(np.zeros((words, 0)), targets, code, input_kind="hypercube")
    return Task(f"decoder{words}_{bits}", f"decoder:{words}:{bits}", data, [code, bits, bits])


# -- planted random circuits -----------------------------------------------------------------


def planted_andor(
    widths: Sequence[int], p: float = DEFAULT_P, items: int | None = None, seed: Seed = 0
) -> Task:
    """Data from a planted random layered AND/OR circuit (method.md §6).

    Each node of layer l ≥ 1 is, with probability ``p``, an AND or an OR (equally likely) of two
    literals on distinct random nodes of layer l−1, each negated with probability 1/2; else a
    BUF or NOT (equally likely) of one random node. ``items`` distinct random input rows
    (default 10 000) with the circuit's outputs.
    """
    return _planted(widths, p, items, seed, arity=2)


def planted_maj(
    widths: Sequence[int], p: float = DEFAULT_P, items: int | None = None, seed: Seed = 0
) -> Task:
    """As :func:`planted_andor`, with a MAJ3 of three literals in place of the AND/OR."""
    return _planted(widths, p, items, seed, arity=3)


def _planted(widths: Sequence[int], p: float, items: int | None, seed: Seed, arity: int) -> Task:
    widths = [int(w) for w in widths]
    _need(len(widths) >= 2, f"widths {widths}: need inputs and at least one gate layer")
    _need(min(widths) >= 1, f"widths {widths}: every layer needs at least one node")
    _need(0.0 <= p <= 1.0, f"p is a probability, not {p}")
    if p > 0:
        narrow = [w for w in widths[:-1] if w < arity]
        _need(not narrow, f"widths {widths}: {arity}-literal gates need layers of >= {arity} nodes")
    rng = rng_from(seed)
    kind = "andor" if arity == 2 else "maj"
    name = f"planted_{kind}_{'_'.join(map(str, widths))}"
    inputs = [f"x{j}" for j in range(widths[0])]
    outputs = [f"y{k}" for k in range(widths[-1])]
    netlist, weights = _plant(widths, p, arity, rng, inputs, outputs)
    netlist.name = name
    network = ThresholdNetwork.layered(widths, input_names=inputs, output_names=outputs)
    network = network.with_weights(weights, planted=kind, p=p)
    rows = random_rows(widths[0], _default_items(items, widths[0]), rng)
    table = TruthTable(rows, netlist.evaluate(rows), None, inputs, outputs, name)
    spec = f"planted-{kind}:{'-'.join(map(str, widths))}"
    return Task(name, spec, table, widths, netlist.validate(), network)


def _plant(
    widths: list[int],
    p: float,
    arity: int,
    rng: np.random.Generator,
    inputs: list[str],
    outputs: list[str],
) -> tuple[Netlist, np.ndarray]:
    """Draw the planted gates layer by layer; return the netlist and the weights of the
    equivalent fully connected layered threshold network.

    Weights follow method.md §1 with m = fan-in + bias: BUF/NOT is ±sqrt(m) on one input; a
    2-literal gate is MAJ(bias literal, p, q) with ±sqrt(m/3) on p and q and +sqrt(m/3) on the
    bias edge for AND (the bias value −1 votes False) or −sqrt(m/3) for OR (it votes True); MAJ3
    is ±sqrt(m/3) on its three inputs. Negative weights are the negated literals.
    """
    netlist = Netlist(name="planted")
    layer = [netlist.add_input(x) for x in inputs]
    edges_per_layer = [(w_prev + 1) * w for w_prev, w in zip(widths[:-1], widths[1:])]
    weights = np.zeros(sum(edges_per_layer))
    edge = 0  # first edge of the current node: its bias edge, then one per previous node
    for depth, width in enumerate(widths[1:], start=1):
        m = len(layer) + 1
        new = []
        for j in range(width):
            gate_name = f"g{depth}_{j}"
            if rng.random() < p:
                sources = rng.choice(len(layer), size=arity, replace=False)
                negated = rng.random(arity) < 0.5
                literals = [Signal(layer[s].gate, bool(n)) for s, n in zip(sources, negated)]
                scale = math.sqrt(m / 3)
                if arity == 2:
                    gate_kind = Kind.AND if rng.random() < 0.5 else Kind.OR
                    weights[edge] = scale if gate_kind is Kind.AND else -scale
                else:
                    gate_kind = Kind.MAJ
                weights[edge + 1 + sources] = np.where(negated, -scale, scale)
            else:
                source = int(rng.integers(len(layer)))
                negated = bool(rng.random() < 0.5)
                gate_kind = Kind.NOT if negated else Kind.BUF
                literals = [Signal(layer[source].gate)]
                weights[edge + 1 + source] = -math.sqrt(m) if negated else math.sqrt(m)
            new.append(netlist.add_gate(gate_kind, literals, name=gate_name))
            edge += m
        layer = new
    for signal, name in zip(layer, outputs):
        netlist.add_output(signal, name)
    return netlist, weights


# -- specs -----------------------------------------------------------------------------------


def _width_list(text: str) -> list[int]:
    return [int(w) for w in text.split("-")]


@dataclass(frozen=True)
class _Spec:
    usage: str
    params: tuple[Callable[[str], object], ...]
    options: frozenset[str]  # which of items, seed, p the task takes
    build: Callable[..., Task]


_SPECS = {
    "mult": _Spec("mult:N", (int,), frozenset(), multiplier),
    "adder": _Spec("adder:N", (int,), frozenset(), adder),
    "parity": _Spec("parity:N", (int,), frozenset(), parity),
    "maj": _Spec("maj:N", (int,), frozenset(), majority),
    "sorter": _Spec("sorter:N", (int,), frozenset(), sorter),
    "ca": _Spec(
        "ca:RULE:CELLS:STEPS", (int,) * 3, frozenset({"items", "seed"}), cellular_automaton
    ),
    "autoencoder": _Spec("autoencoder:K", (int,), frozenset({"seed"}), autoencoder),
    "decoder": _Spec("decoder:WORDS:BITS", (int,) * 2, frozenset({"seed"}), decoder),
    "planted-andor": _Spec(
        "planted-andor:W0-W1-...", (_width_list,), frozenset({"items", "seed", "p"}), planted_andor
    ),
    "planted-maj": _Spec(
        "planted-maj:W0-W1-...", (_width_list,), frozenset({"items", "seed", "p"}), planted_maj
    ),
}

KNOWN_SPECS = tuple(s.usage for s in _SPECS.values())


def from_spec(spec: str, items: int | None = None, seed: Seed = 0, p: float | None = None) -> Task:
    """The task named by ``spec`` (e.g. ``mult:2``, ``ca:30:16:1``, ``planted-andor:32-32-32``).

    ``seed`` is used by the random tasks and ignored by the deterministic ones (so a default
    seed can always be passed); ``items`` (sampled tasks) and ``p`` (planted circuits) are
    errors where they do not apply, since a user who gives them expects them to matter.
    """
    text = spec.strip()
    name, _, rest = text.partition(":")
    if name not in _SPECS:
        raise BtfsynthError(f"unknown task {spec!r}; known: {', '.join(KNOWN_SPECS)}")
    kind = _SPECS[name]
    args = rest.split(":") if rest else []
    if len(args) != len(kind.params):
        raise BtfsynthError(f"task {spec!r}: expected {kind.usage}")
    try:
        values = [parse(arg) for parse, arg in zip(kind.params, args)]
    except ValueError:
        raise BtfsynthError(f"task {spec!r}: expected {kind.usage} with integer values") from None
    options = {"items": items, "p": p}
    given = {key: value for key, value in options.items() if value is not None}
    extra = sorted(set(given) - kind.options)
    if extra:
        takes = " and ".join(sorted(kind.options - {"seed"}))
        raise BtfsynthError(
            f"task {spec!r} does not take {extra[0]}" + (f" (only {takes})" if takes else "")
        )
    if "seed" in kind.options:
        if not isinstance(seed, np.random.Generator) and (seed is None or seed < 0):
            raise BtfsynthError(f"task {spec!r}: the seed must be an integer >= 0, not {seed}")
        given["seed"] = seed
    try:
        task = kind.build(*values, **given)
    except BtfsynthError as exc:
        raise BtfsynthError(f"task {spec!r}: {exc}") from None
    return task
