"""P6's 1k → 1M curve and P7's latency percentiles, as PNG (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def scaling(t: dict[str, Any], charts: Path) -> str:
    """p50 per request against the dataset size (log scale); returns the image line."""
    plt = _pyplot()
    charts.mkdir(exist_ok=True)
    sizes = t["sizes"]
    figure, axis = plt.subplots(figsize=(8, 4.5))
    for name, r in t["requests"].items():
        axis.plot(sizes, [r["p50_ms"][s] for s in sizes], marker="o", label=name,
                  linestyle="--" if r["counter_example"] else "-")  # fmt: skip
    axis.set_yscale("log")
    axis.set_xlabel("tasks in the project")
    axis.set_ylabel("p50 ms (one client, sequential)")
    axis.set_title(f"P6: latency from {sizes[0]} to {sizes[-1]} tasks (target ≤ {t['target']}x)")
    axis.legend(fontsize=8)
    path = charts / "p6-sizes.png"
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return f"![P6: {sizes[0]} to {sizes[-1]}](charts/{path.name})"


def percentiles(t: dict[str, Any], charts: Path) -> str:
    """p50/p90/p99/p99.9/max per endpoint at 80% of the max rate; returns the image line."""
    plt = _pyplot()
    charts.mkdir(exist_ok=True)
    keys = [("p50_ms", "p50"), ("p90_ms", "p90"), ("p99_ms", "p99"), ("p999_ms", "p99.9"),
            ("max_ms", "max")]  # fmt: skip
    names = list(t["endpoints"])
    figure, axis = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / max(1, len(names))
    for index, name in enumerate(names):
        r = t["endpoints"][name]
        xs = [x + index * width for x in range(len(keys))]
        axis.bar(xs, [r[k] for k, _ in keys], width=width,
                 label=f"{name} at {r['rate']:.0f} req/s")  # fmt: skip
        axis.axhline(t["target"] * r["p50_ms"], color=f"C{index}", linestyle=":", linewidth=1)
    axis.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(keys))],
                    [label for _, label in keys])  # fmt: skip
    axis.set_yscale("log")
    axis.set_ylabel("latency ms (open loop)")
    axis.set_title(
        f"P7: latency at {t['share']:.0%} of the max rate (dotted: {t['target']:g}x p50)"
    )
    axis.legend(fontsize=8)
    path = charts / "p7-percentiles.png"
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return f"![P7: latency percentiles](charts/{path.name})"
