"""The notebooks run end to end in a real Jupyter kernel, from a clean state, with no errors, and
are committed without outputs.

The kernel is this interpreter (``sys.executable``) through a kernelspec written for the test, so a
``python3`` kernelspec of another Python on the machine cannot be picked up; its cwd is
``notebooks/`` (the notebooks find the samples at ``../samples``) and it imports this checkout.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = REPO / "notebooks"
NOTEBOOKS = ("coaching.ipynb", "team_review.ipynb")
KERNEL = "pitch-analyzer-test"
# what each notebook must show: the minimum number of plots, and the rendered Scorecard card
PLOTS = {"coaching.ipynb": 2, "team_review.ipynb": 2}
SHOWS_CARD = {"coaching.ipynb": True, "team_review.ipynb": False}


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory) -> Path:
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pitch-analyzer (tests)",
        "language": "python",
    }))
    return kernels


def execute(name: str, kernels: Path) -> nbformat.NotebookNode:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(nb, km=km, timeout=600, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("MPLBACKEND", None)  # the notebooks pick the inline backend themselves
    client.execute(env=env)  # raises CellExecutionError on the first failing cell
    return nb


@pytest.fixture(scope="module")
def executed(kernel_dir):
    cache: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in cache:
            cache[name] = execute(name, kernel_dir)
        return cache[name]

    return run


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] for cell in code), f"{name}: clear the outputs before committing"
    assert all(cell.execution_count is None for cell in code), f"{name}: clear the execution counts"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, executed):
    nb = executed(name)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code"), "a cell did not run"
    rich = [o for o in outs if o.output_type in ("display_data", "execute_result")]
    plots = [o for o in rich if "image/png" in o.data]
    assert len(plots) >= PLOTS[name], f"{name}: {len(plots)} plots"
    html = [o.data["text/html"] for o in rich if "text/html" in o.data]
    assert html, f"{name}: no rich (HTML) output"
    if SHOWS_CARD[name]:
        cards = [h for h in html if "class='card'" in h]
        assert cards and "<mark" in cards[0], "the Scorecard did not render as a card with a highlighted transcript"


def test_coaching_shows_the_comparison(executed):
    nb = executed("coaching.ipynb")
    html = [o.data["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {})]
    comparison = [h for h in html if ">verdict<" in h]
    assert comparison and ">improved<" in comparison[0] and ">cliche.in-your-area<" in comparison[0]
