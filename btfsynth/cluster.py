"""The one way btfsynth reaches a Dask cluster (``--cluster``): an address, a client.

``tcp://HOST:PORT`` (or ``tls://``) connects to a running scheduler; ``local:N`` starts a
``LocalCluster`` of N single-threaded worker processes on this machine, closed with the client.
``dask[distributed]`` is the optional extra ``btfsynth[cluster]``. Used by ``sweep``
(:mod:`btfsynth.sweep.runner`), ``learn --restarts`` (:mod:`btfsynth.rrr.cluster`) and
``synth``, which starts a local cluster once for all the networks it learns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .errors import BtfsynthError

INSTALL = "--cluster needs dask: pip install 'btfsynth[cluster]'"


def check_address(address: str) -> None:
    """Refuse an address that is neither ``tcp://HOST:PORT`` nor ``local:N``."""
    if address.startswith("local:"):
        count = address.partition(":")[2]
        if not count.isdigit() or int(count) < 1:
            raise BtfsynthError(f"--cluster local:N needs a number of workers, not {address!r}")
    elif not address.startswith(("tcp://", "tls://")):
        raise BtfsynthError(
            f"--cluster takes tcp://HOST:PORT (a running scheduler) or local:N, not {address!r}"
        )


@contextlib.contextmanager
def scheduler(address: str) -> Iterator[str]:
    """The scheduler address of ``address``: itself, or for ``local:N`` that of a
    ``LocalCluster`` started here and closed on leaving (a search that learns many networks
    starts its local cluster once)."""
    check_address(address)
    if not address.startswith("local:"):
        yield address
        return
    try:
        from distributed import LocalCluster
    except ImportError as exc:
        raise BtfsynthError(INSTALL) from exc
    workers = int(address.partition(":")[2])
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)  # fmt: skip
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@contextlib.contextmanager
def dask_client(address: str) -> Iterator:
    """A connected ``distributed.Client`` for ``address``, closed (with its local cluster, if
    it started one) on leaving."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise BtfsynthError(INSTALL) from exc
    with scheduler(address) as where:
        try:
            client = Client(where, timeout=30)
        except OSError as exc:
            raise BtfsynthError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
        try:
            yield client
        finally:
            client.close()


def worker_count(client) -> int:
    """Workers the scheduler knows now (at least 1, so work is handed out)."""
    return max(1, len(client.scheduler_info()["workers"]))
