"""Time esda on the data of benches/spatial.rs: global Moran and local Moran
with 9,999 permutations on the 2,848-county queen weights (row-standardised,
read from tests/fixtures/counties.json), uniform random values.

    python crates/rurban-spatial/benches/esda_race.py

Prints the best wall time and the best CPU time (time.process_time, all
threads) of 3 calls; benches/cpu_time.rs prints the same for rurban.
"""

import json
import time
import warnings
from pathlib import Path

import esda
import libpysal
import numpy as np

warnings.filterwarnings("ignore")
HERE = Path(__file__).resolve().parent
fx = json.loads((HERE.parent / "tests" / "fixtures" / "counties.json").read_text())["weights"]
ids = list(range(len(fx["ids"])))
neigh = {i: fx["neighbours"][i] for i in ids}
wts = {i: fx["weights"][i] for i in ids}
w = libpysal.weights.W(neigh, wts, id_order=ids, silence_warnings=True)
w.transform = "r"
y = np.random.default_rng(2024).uniform(size=len(ids))


def best(f, reps=3):
    """(min wall s, min CPU s of all threads) over `reps` calls."""
    wall, cpu = [], []
    for _ in range(reps):
        c = time.process_time()
        t = time.perf_counter()
        f()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


# warm the numba caches once
esda.Moran_Local(y, w, permutations=99, n_jobs=1, seed=1)
esda.Moran_Local(y, w, permutations=99, seed=1)

g = best(lambda: esda.Moran(y, w, permutations=9999))
l1 = best(lambda: esda.Moran_Local(y, w, permutations=9999, n_jobs=1, seed=1))
la = best(lambda: esda.Moran_Local(y, w, permutations=9999, seed=1))
print("esda, best of 3: wall s / CPU s (all threads)")
print(f"esda.Moran(permutations=9999):                  {g[0]:.3f} / {g[1]:.3f}")
print(f"esda.Moran_Local(permutations=9999, n_jobs=1):  {l1[0]:.3f} / {l1[1]:.3f}")
print(f"esda.Moran_Local(permutations=9999, default):   {la[0]:.3f} / {la[1]:.3f}")
print(f"global + local (n_jobs=1):                      {g[0] + l1[0]:.3f} / {g[1] + l1[1]:.3f}")
print(f"global + local (default n_jobs):                {g[0] + la[0]:.3f} / {g[1] + la[1]:.3f}")
