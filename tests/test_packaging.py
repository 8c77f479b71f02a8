"""A built wheel carries the rules and the model: installed in a fresh virtual environment, it runs the README
example from another folder (a slow test: it installs the dependencies into the new environment)."""
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("import extractor; r = extractor.analyze('58M LBP x 8 wks radiating down L leg below knee, no relief "
           "from PT or naproxen, +SLR L, surgical consult for microdiscectomy', note_date='2026-03-14'); "
           "print(r.decision.indication, extractor.__file__)")


def test_the_wheel_installs_and_runs_outside_the_repository(tmp_path):
    # built from a copy without build/: setuptools reuses build/lib, which keeps files the tree has deleted
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("mri_indication-*.whl")
    venv.create(tmp_path / "env", with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MRI_INDICATION_CACHE": str(tmp_path / "cache")}
    out = subprocess.run([str(python), "-c", EXAMPLE], cwd=elsewhere, env=env, capture_output=True, text=True,
                         check=True)
    indication, location = out.stdout.split()
    assert indication == "indicated"
    assert location.startswith(str(tmp_path / "env"))  # the installed copy, not this repository
    lint = subprocess.run([str(tmp_path / "env" / "bin" / "mri-indication"), "rules", "lint", "--no-examples"],
                          cwd=elsewhere, env=env, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
