#!/usr/bin/env python3
"""Build-speed benchmark: patientpacks against WeasyPrint's own best and a warm
Chromium, in one run.

Generates a workload (the repository's 2 packs x 12 locales x N generated
brands) in a temporary folder, renders every leaflet's HTML once (the tool's
own HTML stage), then measures in rounds. Each round runs these whole
processes, timed from outside, in a rotating order:

- a cold build with --jobs 2: an empty output folder and an empty font cache;
- WeasyPrint's own best over the same HTML: one warm process, one shared
  FontConfiguration and pre-parsed stylesheets, render() + write_pdf() per
  leaflet;
- a naive loop over the same HTML: a fresh HTML(...).write_pdf() per leaflet,
  with fresh fonts and stylesheets, in one process, and without the tool's
  font work (the HTML names the full system CJK font, not its subsets);
- two WeasyPrint best loops side by side, each a whole process with half
  of the leaflets: no tool at all, so the most two processes can get from
  this machine's cores. Its ratio to the naive loop is the ceiling of the
  cold build's;
- a warm Chromium printing the same HTML, one page after another (Debian's
  chromium and Playwright, which the set-up installs; --no-chromium leaves it out).

The machines here are noisy (one process varies by 20-25% from one minute to
the next), so each ratio is computed within a round, and the report gives the
median over the rounds and their range. It also reports the per-leaflet split
(HTML, parse, layout, write: medians inside the best loop), the peak and
early/late RSS of every worker, a no-op rebuild, a rebuild after editing one
catalogue (and how many leaflets it rebuilt), and cold builds at three sizes,
to show the cost grows linearly.

Usage: .venv/bin/python bench/benchmark.py [--brands 10] [--rounds 3] [--scales 3,10,40] [--json FILE] [--no-chromium]
Not a test: nothing here asserts a time. The targets are printed beside the
figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from patientpacks import api  # noqa: E402
from patientpacks.build.fonts import FontSetup, load_font_setup, subset_family  # noqa: E402
from patientpacks.build.render_pdf import LeafletRenderer, font_face_rules  # noqa: E402
from patientpacks.jobs import STANDARD_EDITION  # noqa: E402
from patientpacks.model import Project  # noqa: E402

WORKERS = 2
#: The standard edition's PDF options (tagged PDF/UA-1), so that every loop
#: here writes the same PDF the tool does.
PDF_OPTIONS = {"pdf_variant": STANDARD_EDITION.pdf_variant, "pdf_tags": True}
PROJECT_FOLDERS = ("packs", "templates", "locales", "assets", "jurisdictions")
_SUMMARY = re.compile(r"^(\d+) built, (\d+) unchanged, (\d+) failed")


# --- The workload ---------------------------------------------------------------


def make_workload(root: Path, brands: int, locales: tuple[str, ...] = ()) -> Path:
    """A project with the repository's packs, templates and catalogues (only
    those of ``locales``, when given, besides English), and ``brands``
    generated clinics alternating between the two example brands (Letter/911
    and A4/999), each with its own name, phone and colour."""
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    for catalogue in (root / "locales").glob("*/LC_MESSAGES"):
        # A variety's override (en_GB, es_US) goes with its language.
        name = catalogue.parent.name
        if locales and name not in locales and name.split("_")[0] not in (*locales, "en"):
            shutil.rmtree(catalogue.parent)
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


def timed_build(project: Path, out: Path, font_cache: Path, *arguments: str) -> dict:
    """Run a whole build process; time it from outside and sample the RSS of
    its worker processes every 200 ms. ``font_cache`` is its XDG cache folder:
    an empty one makes the build pay for its font subsets, as a first build does."""
    command = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from patientpacks.cli import main; "
        f"sys.exit(main(sys.argv[1:], project_root=Path({str(project)!r})))",
        "--out",
        str(out),
        "--quiet",
        "--jobs",
        str(WORKERS),
        *arguments,
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "XDG_CACHE_HOME": str(font_cache)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
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
        "worker_rss_mb": {
            pid: [kb / 1024 for kb in values] for pid, values in samples.items() if len(values) > 2
        },
    }


def rss_summary(build: dict) -> dict:
    """Peak RSS of the largest worker, and whether it stays flat: the mean of
    each worker's last quarter of samples against its second quarter (after
    start-up)."""
    series = list(build["worker_rss_mb"].values())
    if not series:
        return {"peak_mb": None, "early_mb": None, "late_mb": None}
    peak = max(max(values) for values in series)
    early = max(statistics.mean(values[len(values) // 4 : len(values) // 2] or values) for values in series)
    late = max(statistics.mean(values[3 * len(values) // 4 :] or values) for values in series)
    return {"peak_mb": round(peak, 1), "early_mb": round(early, 1), "late_mb": round(late, 1)}


# --- WeasyPrint alone, over the same HTML, in a process of its own -----------------


def weasyprint_best(project: Project, documents: list[str]) -> dict:
    """One warm process, one FontConfiguration and pre-parsed stylesheets (as
    the tool's workers keep them): render() + write_pdf() per leaflet. Returns
    the median time of each step, and of a whole leaflet for each script (the
    first leaflet, which loads the fonts, is left out of them)."""
    renderer = LeafletRenderer(project)
    parse, layout, write = [], [], []
    by_script: dict[str, list[float]] = {}
    for number, text in enumerate(documents):
        t0 = time.perf_counter()
        html = HTML(string=text, base_url=renderer.base_url, url_fetcher=renderer.fetcher)
        t1 = time.perf_counter()
        document = html.render(
            stylesheets=renderer.stylesheets, font_config=renderer.font_config, **PDF_OPTIONS
        )
        t2 = time.perf_counter()
        document.write_pdf(**PDF_OPTIONS)
        t3 = time.perf_counter()
        parse.append(t1 - t0)
        layout.append(t2 - t1)
        write.append(t3 - t2)
        if number:
            by_script.setdefault(_script(text), []).append(t3 - t0)
    return {
        "median_parse_ms": statistics.median(parse[1:] or parse) * 1000,
        "median_layout_ms": statistics.median(layout[1:] or layout) * 1000,
        "median_write_ms": statistics.median(write[1:] or write) * 1000,
        "median_leaflet_ms_by_script": {
            script: statistics.median(times) * 1000 for script, times in sorted(by_script.items())
        },
    }


def _script(html: str) -> str:
    """The script of a leaflet's title (LATIN, CYRILLIC, ARABIC, DEVANAGARI,
    CJK), from the Unicode name of its first letter."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    return unicodedata.name(next(char for char in title if char.isalpha())).split()[0]


def with_system_fonts(documents: list[str], setup: FontSetup) -> list[str]:
    """The documents naming the system fonts themselves (the whole 19 MB CJK
    collection) where the tool names its per-locale subsets."""
    for family in setup.system_families:
        documents = [text.replace(f'"{subset_family(family)}"', f'"{family}"') for text in documents]
    return documents


def naive_loop(project: Project, documents: list[str]) -> dict:
    """What a script without patientpacks would do: a fresh HTML(...).write_pdf()
    per leaflet, with fresh fonts and stylesheets every time, in one process.
    Nor has it the tool's font work (see with_system_fonts)."""
    setup = load_font_setup(project.fonts_dir)
    base_url = project.templates_dir.resolve().as_uri() + "/"
    fonts_css = font_face_rules(project, setup.file_faces)
    for text in with_system_fonts(documents, setup):
        font_config = FontConfiguration()
        stylesheets = [
            CSS(string=fonts_css, base_url=base_url, font_config=font_config),
            CSS(filename=project.templates_dir / "leaflet.css", font_config=font_config),
        ]
        HTML(string=text, base_url=base_url).write_pdf(
            stylesheets=stylesheets, font_config=font_config, **PDF_OPTIONS
        )
    return {}


#: Debian's Chromium, driven by Playwright, for the comparison with a warm
#: browser (`bash scripts/setup.sh` installs both).
CHROMIUM = shutil.which("chromium")


def chromium_available() -> str | None:
    """None when Chromium can be measured, else why not."""
    if CHROMIUM is None:
        return "no chromium on PATH (bash scripts/setup.sh installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (bash scripts/setup.sh installs it)"
    return None


def chromium_loop(project: Project, documents: list[str]) -> dict:
    """A warm Chromium printing the same HTML: one browser and one page for
    every leaflet, page.pdf() (DevTools' printToPDF, tagged, with the CSS page
    size and backgrounds) per leaflet, as a service keeping a browser open
    would. Its stylesheets are the same files, linked from the page, and like
    the naive loop it names the system CJK font (a browser has no use for the
    tool's subsets). Chromium does not lay out CSS running elements, so its
    footer sits at the top of page 1 (its page numbers unresolved), not on
    every page: less work than WeasyPrint does."""
    from playwright.sync_api import sync_playwright

    setup = load_font_setup(project.fonts_dir)
    templates = project.templates_dir.resolve()
    styles = (
        f'<base href="{templates.as_uri()}/"><style>{font_face_rules(project, setup.file_faces)}</style>'
        f'<link rel="stylesheet" href="leaflet.css"></head>'
    )
    with tempfile.TemporaryDirectory(prefix="patientpacks-chromium-") as folder:
        pages = []
        for number, text in enumerate(with_system_fonts(documents, setup)):
            path = Path(folder) / f"{number:05d}.html"
            path.write_text(text.replace("</head>", styles, 1), encoding="utf-8")
            pages.append((path.as_uri(), _script(text)))
        by_script: dict[str, list[float]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            for number, (url, script) in enumerate(pages):
                started = time.perf_counter()
                page.goto(url, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True)
                if number:
                    by_script.setdefault(script, []).append(time.perf_counter() - started)
            rss_mb = sum(_rss_kb(pid) or 0 for pid in _descendants(os.getpid())) / 1024
            browser.close()
    return {
        "median_leaflet_ms_by_script": {
            script: statistics.median(times) * 1000 for script, times in sorted(by_script.items())
        },
        "browser_rss_mb": round(rss_mb, 1),
    }


def _descendants(pid: int) -> list[int]:
    children = _children(pid)
    return children + [grandchild for child in children for grandchild in _descendants(child)]


LOOPS = {"best": weasyprint_best, "naive": naive_loop, "chromium": chromium_loop}


def _loop_command(name: str, project_root: Path, html_dir: Path, part: int = 0, parts: int = 1) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--loop",
        name,
        "--project",
        str(project_root),
        "--html",
        str(html_dir),
        "--part",
        f"{part}/{parts}",
    ]


def _finished(name: str, process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the {name} loop failed:\n{stderr}")
    return json.loads(stdout)


def timed_loop(name: str, project_root: Path, html_dir: Path) -> dict:
    """Run one of LOOPS as a whole process (python start-up, imports and
    all, as the cold build pays them), timed from outside."""
    started = time.perf_counter()
    process = subprocess.Popen(
        _loop_command(name, project_root, html_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    figures = _finished(name, process)
    return {"wall_s": time.perf_counter() - started, **figures}


def timed_best_pair(project_root: Path, html_dir: Path) -> dict:
    """Two WeasyPrint best loops side by side, each a whole process with half
    of the leaflets: what two processes get from this machine's cores with no
    tool at all, so the ceiling of the cold build's ratios here."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            _loop_command("best", project_root, html_dir, part, WORKERS),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in range(WORKERS)
    ]
    for process in processes:
        _finished("best", process)
    return {"wall_s": time.perf_counter() - started}


def write_leaflet_html(project_root: Path, html_dir: Path) -> float:
    """Write the HTML of every leaflet of the workload, rendered by the tool's
    own HTML stage (Jinja and catalogue lookups); return that stage's median
    time per leaflet, in ms."""
    project = api.open_project(project_root)
    jobs = api.plan(project, api.BuildOptions(out_dir=project_root / "unused")).jobs
    api.leaflet_html(project, jobs[0])  # the first compiles the templates and reads the catalogues
    html_dir.mkdir()
    times = []
    for number, job in enumerate(jobs):
        started = time.perf_counter()
        html = api.leaflet_html(project, job)
        times.append(time.perf_counter() - started)
        (html_dir / f"{number:05d}.html").write_text(html, encoding="utf-8")
    return statistics.median(times) * 1000


# --- The run ------------------------------------------------------------------------


#: The ratios computed within each round; the report gives their median and range.
RATIOS = (
    "cold_vs_naive_throughput",
    "cold_vs_weasyprint_best_per_core",
    "best_pair_vs_naive_throughput",
    "cold_vs_best_pair",
    "cold_vs_chromium_throughput",
)
MEASURES = ("cold", "best", "naive", "best_pair")


def one_round(
    number: int, folder: Path, project_root: Path, html_dir: Path, measures: tuple[str, ...]
) -> dict:
    """The whole processes, in an order that rotates from round to round, so
    that a machine slowing down over the run favours none of them."""
    measured = {}
    order = measures[number % len(measures) :] + measures[: number % len(measures)]
    for name in order:
        if name == "cold":
            build = timed_build(project_root, folder / f"dist-{number}", folder / f"cache-{number}")
            measured["cold"] = {"wall_s": build["wall_s"], "built": build["built"], **rss_summary(build)}
        elif name == "best_pair":
            measured[name] = timed_best_pair(project_root, html_dir)
        else:
            measured[name] = timed_loop(name, project_root, html_dir)
    leaflets = measured["cold"]["built"]
    ratios = {
        "cold_vs_naive_throughput": measured["naive"]["wall_s"] / measured["cold"]["wall_s"],
        "best_pair_vs_naive_throughput": measured["naive"]["wall_s"] / measured["best_pair"]["wall_s"],
        "cold_vs_best_pair": measured["cold"]["wall_s"] / measured["best_pair"]["wall_s"],
        "cold_vs_weasyprint_best_per_core": measured["cold"]["wall_s"]
        / (measured["best"]["wall_s"] / WORKERS),
    }
    if "chromium" in measured:
        ratios["cold_vs_chromium_throughput"] = measured["chromium"]["wall_s"] / measured["cold"]["wall_s"]
    return {
        "order": list(order),
        **measured,
        "ratios": ratios,
        "cold_leaflets_per_s": leaflets / measured["cold"]["wall_s"],
    }


def _median_and_range(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run(
    brands: int, rounds: int, scales: list[int], with_chromium: bool, locales: tuple[str, ...] = ()
) -> dict:
    chromium_skipped = chromium_available() if with_chromium else "left out (--no-chromium)"
    measures = MEASURES + (() if chromium_skipped else ("chromium",))
    results: dict = {
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "rounds": [],
        "chromium_skipped": chromium_skipped,
    }
    with tempfile.TemporaryDirectory(prefix="patientpacks-bench-") as folder:
        folder = Path(folder)
        project_root = make_workload(folder / "project", brands, locales)
        # English too; a variety's override (en_GB, es_US) is no language of its own.
        folders = {path.parent.name for path in (project_root / "locales").glob("*/LC_MESSAGES")}
        languages = 1 + len(
            [name for name in folders if name.split("_")[0] not in folders | {"en"} or "_" not in name]
        )
        html_dir = folder / "html"
        results["html_median_ms"] = write_leaflet_html(project_root, html_dir)

        for number in range(rounds):
            results["rounds"].append(one_round(number, folder, project_root, html_dir, measures))
        every = results["rounds"]
        leaflets = every[0]["cold"]["built"]
        results["leaflets"] = leaflets
        results["median"] = {
            "cold_wall_s": statistics.median(r["cold"]["wall_s"] for r in every),
            "cold_leaflets_per_s": statistics.median(r["cold_leaflets_per_s"] for r in every),
            "best_wall_s": statistics.median(r["best"]["wall_s"] for r in every),
            "naive_wall_s": statistics.median(r["naive"]["wall_s"] for r in every),
            "best_pair_wall_s": statistics.median(r["best_pair"]["wall_s"] for r in every),
            **(
                {
                    "chromium_wall_s": statistics.median(r["chromium"]["wall_s"] for r in every),
                    "chromium_rss_mb": max(r["chromium"]["browser_rss_mb"] for r in every),
                }
                if "chromium" in measures
                else {}
            ),
            **{
                key: statistics.median(r["best"][key] for r in every)
                for key in ("median_parse_ms", "median_layout_ms", "median_write_ms")
            },
            "peak_mb": max(r["cold"]["peak_mb"] or 0 for r in every),
            "early_mb": statistics.median(r["cold"]["early_mb"] or 0 for r in every),
            "late_mb": statistics.median(r["cold"]["late_mb"] or 0 for r in every),
        }
        # A leaflet's share of the cold build's wall time, by script: its time
        # in the best loop, scaled by how the whole cold build compares with
        # the whole best loop (an estimate: the build does not time leaflets).
        cold_per_best = statistics.median(r["cold"]["wall_s"] / r["best"]["wall_s"] for r in every)
        results["by_script"] = {
            script: {
                "best_ms": best_ms,
                "cold_ms_estimate": best_ms * cold_per_best,
                **(
                    {
                        "chromium_ms": statistics.median(
                            r["chromium"]["median_leaflet_ms_by_script"][script] for r in every
                        )
                    }
                    if "chromium" in measures
                    else {}
                ),
            }
            for script in every[0]["best"]["median_leaflet_ms_by_script"]
            for best_ms in [
                statistics.median(r["best"]["median_leaflet_ms_by_script"][script] for r in every)
            ]
        }
        results["ratios"] = {
            key: _median_and_range([r["ratios"][key] for r in every])
            for key in RATIOS
            if key in every[0]["ratios"]
        }

        # Rebuilds of the last round's output, with its (now warm) font cache.
        out, cache = folder / f"dist-{rounds - 1}", folder / f"cache-{rounds - 1}"
        cold_wall = every[-1]["cold"]["wall_s"]
        noop = timed_build(project_root, out, cache)
        results["noop"] = {
            "wall_s": noop["wall_s"],
            "built": noop["built"],
            "ratio_to_cold": noop["wall_s"] / cold_wall,
        }
        catalogue = project_root / "locales" / "es" / "LC_MESSAGES" / "messages.po"
        catalogue.write_text(
            catalogue.read_text(encoding="utf-8").replace(
                'msgstr "Qué hacer"', 'msgstr "Qué hacer (editado)"'
            ),
            encoding="utf-8",
        )
        edited = timed_build(project_root, out, cache)
        results["one_catalogue_edited"] = {
            "wall_s": edited["wall_s"],
            "built": edited["built"],
            "expected": leaflets // languages,
        }

        results["scaling"] = []
        for scale in scales:
            scale_root = make_workload(folder / f"scale-{scale}", scale)
            build = timed_build(scale_root, folder / f"scale-{scale}-dist", folder / f"scale-{scale}-cache")
            results["scaling"].append(
                {
                    "brands": scale,
                    "leaflets": build["built"],
                    "wall_s": build["wall_s"],
                    "ms_per_leaflet": build["wall_s"] / build["built"] * 1000,
                    **rss_summary(build),
                }
            )
            shutil.rmtree(folder / f"scale-{scale}-dist")
    return results


def report(results: dict) -> str:
    median, ratios = results["median"], results["ratios"]
    rounds = len(results["rounds"])
    with_chromium = results["chromium_skipped"] is None

    def ratio(key: str) -> str:
        figure = ratios[key]
        return f"{figure['median']:.2f} ({figure['min']:.2f}-{figure['max']:.2f})"

    lines = [
        (
            f"Workload: {results['leaflets']} leaflets (2 packs x 12 locales x brands), {results['workers']} workers, "
            f"{results['cpus']} CPUs; {rounds} round(s) of {', '.join(results['rounds'][0]['order'])}, each a whole "
            "process timed from outside"
        ),
        "",
        f"{'measure (median over the rounds)':<52} {'value':>18}  target",
        f"{'cold build vs naive loop (throughput ratio)':<52} {ratio('cold_vs_naive_throughput'):>18}  >= 2.5",
        f"{'cold build / (WeasyPrint best / 2 cores)':<52} {ratio('cold_vs_weasyprint_best_per_core'):>18}  <= 1.2",
        f"{'two best loops side by side vs naive loop (ceiling)':<52} {ratio('best_pair_vs_naive_throughput'):>18}",
        f"{'cold build / two best loops side by side':<52} {ratio('cold_vs_best_pair'):>18}",
        *(
            [
                f"{'cold build vs warm Chromium (throughput ratio)':<52} {ratio('cold_vs_chromium_throughput'):>18}  > 1"
            ]
            if with_chromium
            else [f"Chromium not measured: {results['chromium_skipped']}"]
        ),
        f"{'cold build, leaflets/s':<52} {median['cold_leaflets_per_s']:>18.2f}",
        f"{'cold build, wall s (2 workers)':<52} {median['cold_wall_s']:>18.1f}",
        f"{'WeasyPrint best, wall s (one process)':<52} {median['best_wall_s']:>18.1f}",
        f"{'naive loop, wall s (one process)':<52} {median['naive_wall_s']:>18.1f}",
        f"{'two best loops side by side, wall s':<52} {median['best_pair_wall_s']:>18.1f}",
        *(
            [
                f"{'warm Chromium, wall s (one browser, one page)':<52} {median['chromium_wall_s']:>18.1f}",
                f"{'RSS of all Chromium processes (largest sum), MB':<52} {median['chromium_rss_mb']:>18.1f}",
            ]
            if with_chromium
            else []
        ),
        f"{'median per leaflet: HTML (Jinja), ms':<52} {results['html_median_ms']:>18.2f}",
        f"{'median per leaflet: HTML parsing, ms':<52} {median['median_parse_ms']:>18.1f}",
        f"{'median per leaflet: layout (render), ms':<52} {median['median_layout_ms']:>18.1f}",
        f"{'median per leaflet: write (write_pdf), ms':<52} {median['median_write_ms']:>18.1f}",
        f"{'peak RSS of a worker (any round), MB':<52} {median['peak_mb']:>18}  < 150",
        f"{'worker RSS early -> late in the run, MB':<52} {median['early_mb']:>11.1f} -> {median['late_mb']:<5.1f} flat",
        f"{'no-op rebuild, s (share of a cold build)':<52} {results['noop']['wall_s']:>11.2f} ({results['noop']['ratio_to_cold']:.1%})  < 2%",
        f"{'one catalogue edited: leaflets rebuilt (expected)':<52} {results['one_catalogue_edited']['built']:>11} ({results['one_catalogue_edited']['expected']})",
        "",
        "Per leaflet by script, ms: WeasyPrint best loop -> share of the cold build's wall time (estimate)"
        + ("; warm Chromium" if with_chromium else ""),
        *(
            f"  {script:<12} {figures['best_ms']:>6.0f} -> {figures['cold_ms_estimate']:>4.0f}"
            + (f"; {figures['chromium_ms']:>4.0f}" if with_chromium else "")
            for script, figures in results["by_script"].items()
        ),
        "",
        "Rounds (wall s; order run):",
    ]
    for number, one in enumerate(results["rounds"], 1):
        lines.append(
            f"  {number}: cold {one['cold']['wall_s']:.1f}, best {one['best']['wall_s']:.1f}, naive "
            f"{one['naive']['wall_s']:.1f}, best pair {one['best_pair']['wall_s']:.1f}"
            + (f", chromium {one['chromium']['wall_s']:.1f}" if with_chromium else "")
            + " "
            f"({', '.join(one['order'])}): vs naive "
            f"{one['ratios']['cold_vs_naive_throughput']:.2f}, / (best / 2) "
            f"{one['ratios']['cold_vs_weasyprint_best_per_core']:.2f}"
        )
    if results["scaling"]:
        lines += ["", "Scaling (cold builds, same mix):"]
    for scale in results["scaling"]:
        lines.append(
            f"  {scale['leaflets']:>5} leaflets: {scale['wall_s']:>7.1f} s, {scale['ms_per_leaflet']:>6.1f} ms/leaflet, "
            f"peak worker RSS {scale['peak_mb']} MB"
        )
    return "\n".join(lines)


def run_loop(name: str, project_root: Path, html_dir: Path, part: str) -> int:
    """The inside of timed_loop: one loop over the HTML files (part K of N:
    dealt longest first, as the tool deals leaflets to its workers), its
    figures as JSON."""
    documents = sorted(
        (path.read_text(encoding="utf-8") for path in sorted(html_dir.glob("*.html"))), key=len, reverse=True
    )
    number, parts = map(int, part.split("/"))
    print(json.dumps(LOOPS[name](Project(project_root), documents[number::parts])))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--brands",
        type=int,
        default=10,
        help="brands in the main workload (24 leaflets each; default 10 = 240)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the cold build and the loops (default 3)"
    )
    parser.add_argument(
        "--scales",
        default="3,10,40",
        help="brand counts for the scaling runs (default 3,10,40 = 72, 240, 960 leaflets)",
    )
    parser.add_argument(
        "--locales",
        default="",
        help="only these catalogues besides English, comma-separated (default: all; es for a quick run)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    parser.add_argument("--no-chromium", action="store_true", help="leave out the warm Chromium loop")
    # The loops' own processes (see timed_loop).
    parser.add_argument("--loop", choices=sorted(LOOPS), help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--html", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--part", default="0/1", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.loop:
        return run_loop(arguments.loop, arguments.project, arguments.html, arguments.part)
    results = run(
        arguments.brands,
        max(1, arguments.rounds),
        [int(scale) for scale in arguments.scales.split(",") if scale],
        not arguments.no_chromium,
        tuple(locale for locale in arguments.locales.split(",") if locale),
    )
    print(report(results))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"\nJSON: {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
