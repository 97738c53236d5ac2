"""Times libpysal's Queen.from_dataframe on the 2,848 Chinese counties, the
counterpart of the criterion bench `contiguity` beside this file.

Run from this directory:  python queen_libpysal.py
"""

import time
from pathlib import Path

import geopandas as gpd
from libpysal.weights import Queen, Rook

PATH = Path(__file__).resolve().parents[4] / "shared" / "data" / "boundaries" / "china_counties.geojson"


def best(f, repeat=7):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times), sorted(times)[len(times) // 2]


gdf = gpd.read_file(PATH)
for name, f in [
    ("queen", lambda: Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)),
    ("rook", lambda: Rook.from_dataframe(gdf, use_index=False, silence_warnings=True)),
    ("read + queen", lambda: Queen.from_dataframe(gpd.read_file(PATH), use_index=False, silence_warnings=True)),
]:
    lo, med = best(f)
    print(f"libpysal {name}: best {lo * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
