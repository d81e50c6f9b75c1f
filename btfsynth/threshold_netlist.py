"""A threshold network as a netlist of exact THRESHOLD gates: the one network → netlist lowering.

Every BTF node becomes one THRESHOLD gate with integer weights. Float weights are dyadic
rationals, so dividing them by their exact rational gcd gives exact integers, and the gate
computes the exact sign of the real-valued field. That can differ from the float forward pass
(:meth:`ThresholdNetwork.forward`) only where the pass's rounding error exceeds ``|h|``.

The simulator (:mod:`btfsynth.sim`) evaluates networks through this netlist and the compiler
(:mod:`btfsynth.compile`) is proven against it; it lives beside the data types so that both
import it without importing each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from .errors import BtfsynthError
from .netlist import Kind, Netlist
from .network import ThresholdNetwork


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
    Gate ``n{v}`` is node ``v``; inputs and outputs keep the network's names.
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
