"""Saving survives a kill at any moment; files keep their mode, links stay links, long names
work and the temporaries of killed saves are cleaned up (backprop_lab.engine.io.atomic_write)."""
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets, load_session, save_session
from backprop_lab.engine.io.atomic_write import (atomic_file, remove_stray_temporaries,
                                                 write_bytes)
from backprop_lab.engine.io.csv_dataset import read_csv
from backprop_lab.engine.io.csv_write import write_csv

POSIX = os.name == "posix"


def session(seed=0):
    data = datasets.load("moons", n_samples=40, seed=seed)
    s = TrainingSession(Network([2, 4, 1], seed=seed), data, optimizer="adam")
    s.run(2)
    return s


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_a_new_file_follows_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "shared.bplab"
    save_session(session(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    for mode in (0o640, 0o600, 0o664):
        path.chmod(mode)
        save_session(session(1), path)
        assert stat.S_IMODE(path.stat().st_mode) == mode
    csv_path = tmp_path / "data.csv"
    write_csv(datasets.load("xor"), csv_path)
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o644
    csv_path.chmod(0o604)
    write_csv(datasets.load("xor"), csv_path)
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o604


@pytest.mark.skipif(not POSIX, reason="symbolic links need POSIX permissions")
def test_saving_to_a_symbolic_link_writes_through_it(tmp_path):
    real = tmp_path / "real" / "run.bplab"
    real.parent.mkdir()
    save_session(session(), real)
    real.chmod(0o640)
    link = tmp_path / "link.bplab"
    link.symlink_to(real)
    second = session(1)
    save_session(second, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    np.testing.assert_array_equal(load_session(real).network.theta, second.network.theta)
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert temporaries(tmp_path) == [] and temporaries(real.parent) == []


def test_names_as_long_as_the_file_system_allows_can_be_saved(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    path = tmp_path / ("n" * (limit - len(".bplab")) + ".bplab")
    save_session(session(), path)
    assert load_session(path).epoch == 2
    csv_path = tmp_path / ("d" * (limit - 4) + ".csv")
    write_csv(datasets.load("xor"), csv_path)
    assert len(read_csv(csv_path, test_fraction=0.0).y_train) == 4
    assert temporaries(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_file(path) as handle:
            handle.write(b"half")
            raise RuntimeError("disk full (simulated)")
    assert path.read_bytes() == b"old" and temporaries(tmp_path) == []
    write_bytes(path, b"new")
    assert path.read_bytes() == b"new"


@pytest.mark.skipif(not POSIX, reason="locks on temporary files need flock")
def test_a_save_in_progress_is_never_cleaned_up(tmp_path):
    path = tmp_path / "busy.bin"
    with atomic_file(path) as handle:
        handle.write(b"in progress")
        (running,) = temporaries(tmp_path)
        assert remove_stray_temporaries(tmp_path) == 0       # its lock protects it
        write_bytes(tmp_path / "other.bin", b"another save meanwhile")
        assert temporaries(tmp_path) == [running]
    assert path.read_bytes() == b"in progress" and temporaries(tmp_path) == []


KILLED_MID_WRITE = textwrap.dedent("""
    import os, signal, sys
    from backprop_lab.engine.io.atomic_write import atomic_file
    with atomic_file(sys.argv[1]) as handle:
        handle.write(b"half a file")
        handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_the_temporary_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "run.bplab"
    first = session()
    save_session(first, path)
    child = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(path)],
                           capture_output=True, timeout=60)
    assert child.returncode == -9
    assert len(temporaries(tmp_path)) == 1                   # left behind by the kill
    np.testing.assert_array_equal(load_session(path).network.theta, first.network.theta)
    save_session(session(1), tmp_path / "another.bplab")     # any save to that folder
    assert temporaries(tmp_path) == []


KILL_ROUNDS = textwrap.dedent("""
    # One helper process (imports once), forking a saving child per round and killing it
    # with SIGKILL at a random moment; prints what it found as JSON.
    import json, os, random, signal, sys, time
    from pathlib import Path
    import numpy as np
    from backprop_lab.engine import Network, TrainingSession, datasets, load_session, save_session

    folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
    target = folder / "run.bplab"
    def make(seed):
        data = datasets.load("moons", n_samples=3000, seed=seed)
        s = TrainingSession(Network([2, 24, 24, 1], seed=seed), data, optimizer="adam",
                            batch_size=64)
        s.run(1)
        return s
    sessions = [make(0), make(1)]
    thetas = [s.network.theta.copy() for s in sessions]
    save_session(sessions[0], target)
    start = time.perf_counter()
    for k in range(5):
        save_session(sessions[k % 2], target)
    duration = (time.perf_counter() - start) / 5
    rng = random.Random(int(sys.argv[3]))
    found = []
    for _ in range(rounds):
        saved, told = os.pipe()
        pid = os.fork()
        if pid == 0:                                    # the child saves B, A, B, …
            os.close(saved)
            k = 1
            while True:
                save_session(sessions[k % 2], target)
                os.write(told, b"s")                    # one save done
                k += 1
        os.close(told)
        # Killed once its first save is done, within two saves' time after: on a busy
        # machine the child saves slower than the parent's measure, and kills timed from
        # the fork alone all landed in that first save.
        os.read(saved, 1)
        time.sleep(rng.uniform(0.0, 2 * duration))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(saved)
        strays = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        theta = load_session(target).network.theta          # raises if it does not load
        which = [bool(np.array_equal(theta, t)) for t in thetas]
        save_session(sessions[0], target)                   # the next save cleans up
        after = sorted(p.name for p in folder.iterdir())
        found.append({"strays": len(strays), "which": which, "after": after})
    print(json.dumps({"duration": duration, "rounds": found}))
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_a_save_killed_at_30_random_moments_leaves_a_loadable_file(tmp_path):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", KILL_ROUNDS, str(tmp_path), "30", "7"],
                          capture_output=True, text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    rounds = report["rounds"]
    assert len(rounds) == 30
    for found in rounds:
        assert sum(found["which"]) == 1          # the old or the new session, never a mix
        assert found["after"] == ["run.bplab"]   # the next save removed every temporary
    # the kills did land inside saves: temporaries were left behind and cleaned up; each
    # came after the child's first save had replaced the file, and some after its second
    assert sum(found["strays"] > 0 for found in rounds) >= 5
    assert sum(found["which"][1] for found in rounds) >= 3
    assert sum(found["which"][0] for found in rounds) >= 1
