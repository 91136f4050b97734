"""The project's layering: the engine never imports Qt (or anything graphical)."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_imports_with_qt_unavailable():
    # A meta-path finder makes every Qt and plotting import fail, as on a machine without them;
    # then every engine module is imported and used.
    script = textwrap.dedent("""
        import importlib, pkgutil, sys
        BLOCKED = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "matplotlib")
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{name} is blocked in this test")
        sys.meta_path.insert(0, Block())
        import engine
        for mod in pkgutil.walk_packages(engine.__path__, "engine."):
            importlib.import_module(mod.name)
        from engine import Network, TrainingSession, datasets
        TrainingSession(Network([2, 3, 1]), datasets.load("xor")).run(3)
        loaded = [m for m in sys.modules if m.split(".")[0] in BLOCKED]
        assert not loaded, loaded
        print("engine ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "engine ok" in result.stdout


def test_engine_sources_never_mention_qt_or_the_gui():
    for path in (ROOT / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("PySide6", "pyqtgraph", "from gui", "import gui"):
            assert forbidden not in text, f"{path.name} mentions {forbidden}"
