"""The project's layering: the engine never imports Qt (or anything graphical), its folders
import one another only downwards (import-linter contracts in pyproject.toml), and every
module has one identity, ``backprop_lab.…``."""
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_engine_imports_with_qt_unavailable():
    # A meta-path finder makes every Qt and plotting import fail, as on a machine without them;
    # then every engine module is imported and used.
    result = _run("""
        import importlib, pkgutil, sys
        BLOCKED = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "matplotlib")
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{name} is blocked in this test")
        sys.meta_path.insert(0, Block())
        import backprop_lab.engine as engine
        names = [m.name for m in pkgutil.walk_packages(engine.__path__, "backprop_lab.engine.")]
        assert "backprop_lab.engine.nn.network" in names, names
        for name in names:
            importlib.import_module(name)
        from backprop_lab.engine import Network, TrainingSession, datasets
        TrainingSession(Network([2, 3, 1]), datasets.load("xor")).run(3)
        loaded = [m for m in sys.modules if m.split(".")[0] in BLOCKED]
        assert not loaded, loaded
        print("engine ok", len(names))
    """)
    assert result.returncode == 0, result.stderr
    assert "engine ok" in result.stdout


def test_the_windows_model_imports_with_qt_unavailable():
    # Settings, lessons and pins are plain Python: gui/__init__ imports no Qt, so they work
    # (and are tested) on a machine without PySide6.
    result = _run("""
        import sys
        BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{name} is blocked in this test")
        sys.meta_path.insert(0, Block())
        from backprop_lab.gui.model.config import Config
        from backprop_lab.gui.model.lessons import list_lessons
        from backprop_lab.gui.model.pins import PinBoard
        from backprop_lab.gui.model.settings import SETTINGS
        assert len(list_lessons()) >= 15 and "learning_rate" in SETTINGS
        Config().changed(learning_rate=0.1).build_session().run(2)
        PinBoard()
        assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
        print("model ok")
    """)
    assert result.returncode == 0, result.stderr
    assert "model ok" in result.stdout


def test_engine_sources_never_mention_qt_or_the_gui():
    for path in (ROOT / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph",
                          "from backprop_lab.gui", "import backprop_lab.gui", "from ..gui",
                          "from gui", "import gui"):
            assert forbidden not in text, f"{path.name} mentions {forbidden}"


def test_the_engine_cannot_be_imported_under_a_second_name():
    # From the repository's root, "engine" would be importable as a top-level package; it
    # refuses, so no program can hold two copies of its classes.
    result = _run("import engine")
    assert result.returncode != 0
    assert "backprop_lab.engine" in result.stderr


def test_no_module_is_loaded_twice_under_two_names():
    # Import every module of the app the way the app does, then look for top-level twins.
    result = _run("""
        import importlib, pkgutil, sys, os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import backprop_lab
        for pkg in ("backprop_lab.engine", "backprop_lab.gui"):
            mod = importlib.import_module(pkg)
            for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
                importlib.import_module(info.name)
        twins = sorted(m for m in sys.modules if m.split(".")[0] in ("engine", "gui", "resources"))
        assert not twins, twins
        print("one identity")
    """)
    assert result.returncode == 0, result.stderr
    assert "one identity" in result.stdout


def test_import_contracts_hold():
    # import-linter is a test extra: pip install -e ".[test]"
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout
