#!/usr/bin/env python3
"""Build-speed benchmark: patientpacks against WeasyPrint's own best, in one run.

Generates a workload (the repository's 2 packs x 12 locales x N generated
brands) in a temporary folder, then measures, in this one run (machines here
are noisy, so only ratios measured together mean anything):

- a cold build with --jobs 2, timed from outside (leaflets per second);
- the per-leaflet split: HTML (Jinja), layout (WeasyPrint render) and write
  (write_pdf), medians;
- WeasyPrint's own best time for the same HTML: one warm process, one shared
  FontConfiguration and pre-parsed stylesheets, render() + write_pdf() per
  leaflet; and the cold build's ratio to it divided by the 2 cores;
- a naive loop over the same HTML: a fresh HTML(...).write_pdf() per leaflet,
  with fresh fonts and stylesheets, in one process; and the ratio to it;
- peak and early/late RSS of every worker process, sampled during the build;
- a no-op rebuild, and a rebuild after editing one catalogue (and how many
  leaflets it rebuilt);
- cold builds at three sizes, to show the cost grows linearly.

Usage: .venv/bin/python bench/benchmark.py [--brands 10] [--scales 3,10,40] [--json FILE]
Not a test: nothing here asserts a time. The targets are printed beside the
figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from patientpacks.model import STANDARD_EDITION, Project  # noqa: E402
from patientpacks.render_pdf import LeafletRenderer  # noqa: E402

WORKERS = 2
#: The standard edition's PDF options (tagged PDF/UA-1), so that every loop
#: here writes the same PDF the tool does.
PDF_OPTIONS = {"pdf_variant": STANDARD_EDITION.pdf_variant, "pdf_tags": True}
PROJECT_FOLDERS = ("packs", "templates", "locales", "assets")
_SUMMARY = re.compile(r"^(\d+) built, (\d+) unchanged, (\d+) failed")


# --- The workload ---------------------------------------------------------------


def make_workload(root: Path, brands: int) -> Path:
    """A project with the repository's packs, templates and catalogues, and
    ``brands`` generated clinics alternating between the two example brands
    (Letter/911 and A4/999), each with its own name, phone and colour."""
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    (root / "brands" / "logos").mkdir(parents=True)
    examples = sorted((REPO / "brands").glob("*.toml"))
    for logo in (REPO / "brands" / "logos").iterdir():
        shutil.copy(logo, root / "brands" / "logos" / logo.name)
    for number in range(brands):
        example = examples[number % len(examples)]
        text = example.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^name = ".*"$', f'name = "Benchmark Clinic {number:02d}"', text)
        text = re.sub(r'(?m)^phone = ".*"$', f'phone = "(555) 010-{number:04d}"', text)
        text = re.sub(r'(?m)^primary = "#.*"$', f'primary = "#{0x20 + number % 0x30:02X}3A72"', text)
        (root / "brands" / f"bench-{number:02d}.toml").write_text(text, encoding="utf-8")
    return root


# --- Timed builds, from outside -----------------------------------------------------


def _children(pid: int) -> list[int]:
    """The build's worker processes, from the kernel's per-thread child lists
    (cheap: the sampler must not steal CPU from the build it measures)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def timed_build(project: Path, out: Path, *arguments: str) -> dict:
    """Run a whole build process; time it from outside and sample the RSS of
    its worker processes every 200 ms."""
    command = [
        sys.executable, "-c",
        "import sys; from pathlib import Path; from patientpacks.cli import main; "
        f"sys.exit(main(sys.argv[1:], project_root=Path({str(project)!r})))",
        "--out", str(out), "--quiet", "--jobs", str(WORKERS), *arguments,
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    samples: dict[int, list[int]] = {}
    while process.poll() is None:
        for child in _children(process.pid):
            rss = _rss_kb(child)
            if rss:
                samples.setdefault(child, []).append(rss)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    summary = next((_SUMMARY.match(line) for line in stdout.splitlines() if _SUMMARY.match(line)), None)
    if process.returncode != 0 or summary is None:
        raise SystemExit(f"build failed ({process.returncode}):\n{stdout}\n{stderr}")
    return {
        "wall_s": wall,
        "built": int(summary[1]),
        "unchanged": int(summary[2]),
        "worker_rss_mb": {pid: [kb / 1024 for kb in values] for pid, values in samples.items() if len(values) > 2},
    }


def rss_summary(build: dict) -> dict:
    """Peak RSS of the largest worker, and whether it stays flat: the mean of
    each worker's last quarter of samples against its second quarter (after
    start-up)."""
    series = list(build["worker_rss_mb"].values())
    if not series:
        return {"peak_mb": None, "early_mb": None, "late_mb": None}
    peak = max(max(values) for values in series)
    early = max(statistics.mean(values[len(values) // 4: len(values) // 2] or values) for values in series)
    late = max(statistics.mean(values[3 * len(values) // 4:] or values) for values in series)
    return {"peak_mb": round(peak, 1), "early_mb": round(early, 1), "late_mb": round(late, 1)}


# --- WeasyPrint alone, in this process, over the same HTML ----------------------------


def weasyprint_best(project: Project, documents: list[str]) -> dict:
    """One warm process, one FontConfiguration and pre-parsed stylesheets (as
    the tool's workers keep them): render() + write_pdf() per leaflet."""
    renderer = LeafletRenderer(project)
    parse, layout, write = [], [], []

    def one(text: str) -> None:
        t0 = time.perf_counter()
        html = HTML(string=text, base_url=renderer.base_url, url_fetcher=renderer.fetcher)
        t1 = time.perf_counter()
        document = html.render(stylesheets=renderer.stylesheets, font_config=renderer.font_config, **PDF_OPTIONS)
        t2 = time.perf_counter()
        document.write_pdf(**PDF_OPTIONS)
        t3 = time.perf_counter()
        parse.append(t1 - t0)
        layout.append(t2 - t1)
        write.append(t3 - t2)

    one(documents[0])  # warm up: fonts loaded, caches filled
    parse.clear(), layout.clear(), write.clear()
    started = time.perf_counter()
    for text in documents:
        one(text)
    return {
        "total_s": time.perf_counter() - started,
        "median_parse_ms": statistics.median(parse) * 1000,
        "median_layout_ms": statistics.median(layout) * 1000,
        "median_write_ms": statistics.median(write) * 1000,
    }


def naive_loop(project: Project, documents: list[str]) -> dict:
    """What a script without patientpacks would do: a fresh HTML(...).write_pdf()
    per leaflet, with fresh fonts and stylesheets every time, in one process."""
    renderer = LeafletRenderer(project)  # only for the fonts' CSS text and the base URL
    fonts_source = renderer.fonts_css
    base_url = renderer.base_url
    started = time.perf_counter()
    for text in documents:
        font_config = FontConfiguration()
        stylesheets = [
            CSS(string=fonts_source, base_url=base_url, font_config=font_config),
            CSS(filename=project.templates_dir / "leaflet.css", font_config=font_config),
        ]
        HTML(string=text, base_url=base_url).write_pdf(
            stylesheets=stylesheets, font_config=font_config, **PDF_OPTIONS
        )
    return {"total_s": time.perf_counter() - started}


def leaflet_html(project_root: Path) -> tuple[list[str], float]:
    """The HTML of every leaflet of the workload, rendered by the tool's own
    HTML stage (Jinja and catalogue lookups), and that stage's median time."""
    from datetime import date

    from patientpacks.build_leaflet import LeafletBuilder
    from patientpacks.pipeline import BuildOptions, load_inputs, plan_jobs

    project = Project(project_root)
    options = BuildOptions(out_dir=project_root / "unused")
    jobs, _ = plan_jobs(project, load_inputs(project, options), options)
    builder = LeafletBuilder(project, date.today())
    documents, times = [], []
    for job in jobs:
        catalogue = builder._catalogue(job.locale, job.catalogue_path)
        started = time.perf_counter()
        html, _ = builder._html(job, catalogue, draft=True)
        times.append(time.perf_counter() - started)
        documents.append(html)
    return documents, statistics.median(times) * 1000


# --- The run ------------------------------------------------------------------------


def run(brands: int, scales: list[int]) -> dict:
    results: dict = {"workers": WORKERS, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="patientpacks-bench-") as folder:
        folder = Path(folder)
        project_root = make_workload(folder / "project", brands)
        project = Project(project_root)
        out = folder / "dist"

        cold = timed_build(project_root, out)
        leaflets = cold["built"]
        results["leaflets"] = leaflets
        results["cold"] = {"wall_s": cold["wall_s"], "leaflets_per_s": leaflets / cold["wall_s"], **rss_summary(cold)}

        noop = timed_build(project_root, out)
        results["noop"] = {"wall_s": noop["wall_s"], "built": noop["built"], "ratio_to_cold": noop["wall_s"] / cold["wall_s"]}

        catalogue = project_root / "locales" / "es" / "LC_MESSAGES" / "messages.po"
        catalogue.write_text(
            catalogue.read_text(encoding="utf-8").replace('msgstr "Qué hacer"', 'msgstr "Qué hacer (editado)"'),
            encoding="utf-8",
        )
        edited = timed_build(project_root, out)
        results["one_catalogue_edited"] = {
            "wall_s": edited["wall_s"], "built": edited["built"], "expected": leaflets // 12,
        }

        documents, results["html_median_ms"] = leaflet_html(project_root)
        best = weasyprint_best(project, documents)
        naive = naive_loop(project, documents)
        results["weasyprint_best"] = best
        results["naive_loop"] = {**naive, "leaflets_per_s": leaflets / naive["total_s"]}
        results["ratios"] = {
            "cold_vs_naive_throughput": (leaflets / cold["wall_s"]) / (leaflets / naive["total_s"]),
            "cold_vs_weasyprint_best_per_core": cold["wall_s"] / (best["total_s"] / WORKERS),
        }

        results["scaling"] = []
        for scale in scales:
            scale_root = make_workload(folder / f"scale-{scale}", scale)
            build = timed_build(scale_root, folder / f"scale-{scale}-dist")
            results["scaling"].append({
                "brands": scale, "leaflets": build["built"], "wall_s": build["wall_s"],
                "ms_per_leaflet": build["wall_s"] / build["built"] * 1000, **rss_summary(build),
            })
            shutil.rmtree(folder / f"scale-{scale}-dist")
    return results


def report(results: dict) -> str:
    cold, ratios, best = results["cold"], results["ratios"], results["weasyprint_best"]
    lines = [
        f"Workload: {results['leaflets']} leaflets (2 packs x 12 locales x brands), {results['workers']} workers, "
        f"{results['cpus']} CPUs",
        "",
        f"{'measure':<52} {'value':>12}  target",
        f"{'cold build, leaflets/s':<52} {cold['leaflets_per_s']:>12.2f}",
        f"{'cold build vs naive loop (throughput ratio)':<52} {ratios['cold_vs_naive_throughput']:>12.2f}  >= 2.5",
        f"{'cold build / (WeasyPrint best / 2 cores)':<52} {ratios['cold_vs_weasyprint_best_per_core']:>12.2f}  <= 1.2",
        f"{'median per leaflet: HTML (Jinja), ms':<52} {results['html_median_ms']:>12.2f}",
        f"{'median per leaflet: HTML parsing, ms':<52} {best['median_parse_ms']:>12.1f}",
        f"{'median per leaflet: layout (render), ms':<52} {best['median_layout_ms']:>12.1f}",
        f"{'median per leaflet: write (write_pdf), ms':<52} {best['median_write_ms']:>12.1f}",
        f"{'WeasyPrint best, total s (one process)':<52} {best['total_s']:>12.1f}",
        f"{'naive loop, total s (one process)':<52} {results['naive_loop']['total_s']:>12.1f}",
        f"{'cold build, wall s (2 workers)':<52} {cold['wall_s']:>12.1f}",
        f"{'peak RSS of a worker, MB':<52} {cold['peak_mb']:>12}  < 150",
        f"{'worker RSS early -> late in the run, MB':<52} {cold['early_mb']!s:>5} -> {cold['late_mb']!s:<5} flat",
        f"{'no-op rebuild, s (share of cold build)':<52} {results['noop']['wall_s']:>7.2f} ({results['noop']['ratio_to_cold']:.1%})  < 2%",
        f"{'one catalogue edited: leaflets rebuilt (expected)':<52} {results['one_catalogue_edited']['built']:>7} ({results['one_catalogue_edited']['expected']})",
        "",
        "Scaling (cold builds, same mix):",
    ]
    for scale in results["scaling"]:
        lines.append(
            f"  {scale['leaflets']:>5} leaflets: {scale['wall_s']:>7.1f} s, {scale['ms_per_leaflet']:>6.1f} ms/leaflet, "
            f"peak worker RSS {scale['peak_mb']} MB"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brands", type=int, default=10, help="brands in the main workload (24 leaflets each; default 10 = 240)")
    parser.add_argument("--scales", default="3,10,40", help="brand counts for the scaling runs (default 3,10,40 = 72, 240, 960 leaflets)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    arguments = parser.parse_args()
    results = run(arguments.brands, [int(scale) for scale in arguments.scales.split(",") if scale])
    print(report(results))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"\nJSON: {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
