"""The M/M/c queue (Erlang C): how long people wait when c equivalent windows serve them.

Pure mathematics, no policy: ``staffing.recommend_windows`` puts it to work and
says what it assumes. Times are in any one unit (minutes, say) as long as the
arrival rate is per that same unit.

The textbook formula divides a^c/c! by a sum of a^k/k!, which overflows a float
near c = 170. Here the Erlang B blocking probability is built up by the
recurrence B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), whose terms stay in [0, 1]
for any c, and Erlang C follows from it: C = c·B / (c − a·(1 − B)).

>>> m = mmc(arrival_rate=1.0, mean_service_time=10.0, servers=12)
>>> round(m.p_wait, 4), round(m.mean_wait, 2)
(0.4494, 2.25)
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueMetrics:
    """The steady state of an M/M/c queue with ``servers`` windows open.

    ``offered_load`` a = arrival rate × mean service time (the average number of
    people being served, in Erlangs); ``utilisation`` ρ = a / c; ``p_wait`` the
    Erlang C probability that an arrival has to queue; ``mean_wait`` the average
    time in the queue before service starts, over everyone (including those who
    do not wait), in the unit of ``mean_service_time``.
    """

    servers: int
    offered_load: float
    utilisation: float
    p_wait: float
    mean_wait: float
    mean_service_time: float

    def wait_within(self, limit: float) -> float:
        """The share of arrivals whose service starts within ``limit`` (the service level).

        P(W ≤ t) = 1 − C·exp(−(c − a)·t / s).
        """
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit!r}")
        rate = (self.servers - self.offered_load) / self.mean_service_time
        return 1.0 - self.p_wait * math.exp(-rate * limit)


def erlang_b(servers: int, load: float) -> float:
    """Erlang B: the blocking probability of c servers offered ``load`` Erlangs (no queue)."""
    _check(servers, load)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Erlang C: the probability that an arrival must wait; 1.0 when load ≥ servers (no steady state)."""
    _check(servers, load)
    if load >= servers:
        return 1.0
    return _c_from_b(servers, load, erlang_b(servers, load))


def mmc(arrival_rate: float, mean_service_time: float, servers: int) -> QueueMetrics:
    """Metrics of an M/M/c queue; raises ValueError unless servers > arrival_rate × mean_service_time."""
    if not (arrival_rate > 0 and mean_service_time > 0):
        raise ValueError("arrival_rate and mean_service_time must be > 0")
    load = arrival_rate * mean_service_time
    if servers <= load:
        raise ValueError(f"{servers} servers cannot keep up with a load of {load:g} Erlangs")
    return _metrics(servers, load, mean_service_time, erlang_b(servers, load))


def smallest_servers(
    arrival_rate: float,
    mean_service_time: float,
    *,
    max_servers: int,
    max_mean_wait: float | None = None,
    service_level: tuple[float, float] | None = None,
) -> tuple[QueueMetrics | None, tuple[QueueMetrics, ...]]:
    """The fewest servers (≤ ``max_servers``) meeting every target given, and the metrics tried on the way.

    ``max_mean_wait``: the average wait must not exceed it. ``service_level``:
    (share, limit) — at least ``share`` of arrivals start service within
    ``limit``. Returns (None, tried) when no count up to ``max_servers`` meets them.
    Waits fall as servers are added, so the first count that meets the targets is
    the smallest.
    """
    if not (arrival_rate > 0 and mean_service_time > 0):
        raise ValueError("arrival_rate and mean_service_time must be > 0")
    load = arrival_rate * mean_service_time
    tried: list[QueueMetrics] = []
    blocking = 1.0
    # One pass of the recurrence serves every candidate c, so the search costs O(max_servers).
    for c in range(1, max_servers + 1):
        blocking = load * blocking / (c + load * blocking)
        if c <= load:
            continue
        metrics = _metrics(c, load, mean_service_time, blocking)
        tried.append(metrics)
        wait_ok = max_mean_wait is None or metrics.mean_wait <= max_mean_wait
        level_ok = service_level is None or metrics.wait_within(service_level[1]) >= service_level[0]
        if wait_ok and level_ok:
            return metrics, tuple(tried)
    return None, tuple(tried)


def _metrics(servers: int, load: float, mean_service_time: float, blocking: float) -> QueueMetrics:
    p_wait = _c_from_b(servers, load, blocking)
    return QueueMetrics(
        servers=servers,
        offered_load=load,
        utilisation=load / servers,
        p_wait=p_wait,
        mean_wait=p_wait * mean_service_time / (servers - load),
        mean_service_time=mean_service_time,
    )


def _c_from_b(servers: int, load: float, blocking: float) -> float:
    return servers * blocking / (servers - load * (1.0 - blocking))


def _check(servers: int, load: float) -> None:
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")
    if not (math.isfinite(load) and load > 0):
        raise ValueError(f"load must be a positive finite number, got {load!r}")
