"""The benchmark's results as Markdown: the machine, a table of training throughput (images
per second of each system, symnet over the fastest peer), a table of agreement with the
reference and first-call cost, and how each system was run and limited."""

from __future__ import annotations

from .peers import PEERS, TOLERANCE

TITLES = {"jax": "JAX", "pytensor": "PyTensor", "tinygrad": "tinygrad"}


def machine_line(machine: dict) -> str:
    """``Machine: AMD EPYC (family 25, model 1), 2 cores; symnet's C targets AVX2 (...)``, or '' without a record."""
    if "cpu" not in machine:
        return ""
    vector = machine.get("vector", {})
    target = f"; -march=native is {vector['target']}" if vector.get("target") else ""
    width = f"{vector.get('isa', '?')} ({vector.get('bits', 0)}-bit vectors, cc {vector.get('flags', '')}{target})"
    cpu = machine["cpu"] + (f" ({machine['cpu_identity']})" if machine.get("cpu_identity") else "")
    return f"Machine: {cpu}, {machine['cores']} cores; symnet's C targets {width}; Python {machine['python']}."


def _peers_seen(results: dict) -> list[str]:
    seen = {name for run_ in results["runs"] for row in run_["rows"] for name in row.get("peers", {})}
    return [name for name in PEERS if name in seen]


def _fastest(row: dict) -> tuple[float, str] | None:
    """The fastest system beside symnet that computes the same step (PyTorch, agreeing peers)."""
    candidates = [(row["torch"], "PyTorch")] if row.get("torch") else []
    candidates += [(peer["rate"], TITLES[name]) for name, peer in row.get("peers", {}).items()
                   if "rate" in peer and peer["agrees"]]
    return max(candidates) if candidates else None


def _peer_cell(peer: dict | None) -> str:
    if peer is None:
        return "-"
    if "na" in peer:
        return "n/a"
    return f"{peer['rate']:,.0f}" + ("" if peer["agrees"] else " ≠")


def throughput(results: dict) -> list[str]:
    """The table of images per second (symnet through ``step`` and through ``fit``, the
    others through their step); ≠ marks a peer that differs from the reference."""
    names = _peers_seen(results)
    head = ["model", "batch", "threads", "symnet", "symnet fit", "PyTorch", *(TITLES[name] for name in names),
            "NumPy ref.", "symnet / fastest", "fit / fastest", "symnet GFLOP/s"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for run_ in results["runs"]:
        for row in run_["rows"]:
            fastest = _fastest(row)
            fit = row.get("symnet_fit")
            ratio = f"{row['symnet'] / fastest[0]:.2f}x {fastest[1]}" if fastest else "-"
            fit_ratio = f"{fit / fastest[0]:.2f}x" if fastest and fit else "-"
            share = 100 * row["gflops"] / run_["matmul_gflops"]
            cells = [f"{row['model']} ({row.get('optimizer', 'SGD')})", str(row["batch"]), str(run_["threads"]),
                     f"{row['symnet']:,.0f}", f"{fit:,.0f}" if fit else "-",
                     f"{row['torch']:,.0f}" if row.get("torch") else "-",
                     *(_peer_cell(row.get("peers", {}).get(name)) for name in names),
                     f"{row['reference']:,.0f}" if row.get("reference") else "-", ratio, fit_ratio,
                     f"{row['gflops']:.1f} ({share:.0f}%)"]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def agreement(results: dict) -> list[str]:
    """Each system's largest relative difference from the reference (float64) and each peer's
    first-call cost; empty without peers."""
    names = _peers_seen(results)
    if not names:
        return []
    head = ["model", "batch", "threads", "symnet", *(TITLES[name] for name in names)]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for run_ in results["runs"]:
        for row in run_["rows"]:
            cells = [row["model"], str(row["batch"]), str(run_["threads"]), f"{row.get('symnet_gradient', 0):.0e}"]
            for name in names:
                peer = row.get("peers", {}).get(name)
                cells.append("-" if peer is None else "n/a" if "na" in peer else
                             f"{max(peer['gradient'], peer['step']):.0e}, {peer['first_call']:.1f} s")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def notes(results: dict) -> list[str]:
    """How each peer ran and was limited, what it could not run, the matrix-multiply and compile lines."""
    lines, reasons = [], {}
    for name in _peers_seen(results):
        runs = [(run_["threads"], row["peers"][name]) for run_ in results["runs"] for row in run_["rows"]
                if name in row.get("peers", {})]
        how = next((peer["how"] for _, peer in runs if "how" in peer), None)
        busy = {}
        for threads, peer in runs:
            busy.setdefault(threads, []).append(peer.get("cpu_per_wall"))
        limits = "; ".join(f"{threads} thread(s): " + " ".join(f"{key}={value!r}" for key, value in
                                                               _own_limits(results, name, threads).items())
                           for threads in busy)
        cpu = ", ".join(f"{max(v for v in values if v is not None):.2f} at {threads}"
                        for threads, values in busy.items() if any(v is not None for v in values))
        lines.append(f"- {TITLES[name]}: {how or 'did not run'}; limited by {limits or 'its defaults'}"
                     + (f"; CPU time per wall second while timed, at most {cpu} thread(s)" if cpu else "") + ".")
        for threads, peer in runs:
            if "na" in peer:
                reasons.setdefault((TITLES[name], peer["na"]), None)
    for (title, reason) in reasons:
        lines.append(f"- n/a, {title}: {reason}")
    return lines


def _own_limits(results: dict, name: str, threads: int) -> dict:
    from .peers import module

    keys = module(name).thread_env(threads)
    recorded = results.get("limits", {}).get(str(threads), {})
    return {key: recorded.get(key, keys[key]) for key in keys}


def table(results: dict) -> str:
    """The results as Markdown: machine, throughput table, agreement table, notes."""
    lines = [line for line in [machine_line(results.get("machine", {}))] if line]
    lines += ([""] if lines else []) + throughput(results)
    rows = agreement(results)
    if rows:
        lines += ["", f"Largest relative difference from the reference (float64) in the gradient or the "
                      f"parameters after one step, and each peer's first-call cost (building and compiling "
                      f"its step; ≠ above: over {TOLERANCE:g}):", ""] + rows
    lines += [""] + notes(results) + ([""] if notes(results) else [])
    for run_ in results["runs"]:
        lines.append(f"NumPy float32 matrix multiply with {run_['threads']} thread(s): "
                     f"{run_['matmul_gflops']:.1f} GFLOP/s.")
    for name, times in results["compile"].items():
        cpu = f" ({times['cold_cpu_seconds']:.2f} s of processor time)" if "cold_cpu_seconds" in times else ""
        lines.append(f"{name}: cold compile {times['cold_seconds']:.2f} s{cpu}, "
                     f"warm load {times['warm_seconds'] * 1000:.0f} ms.")
    return "\n".join(lines)
