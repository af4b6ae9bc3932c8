"""Make a JPEG 2000 lossless copy of a DICOM series (for test/bench/imaging.ts).

usage: python3 jp2k_series.py SOURCE_DIR TARGET_DIR [PROCESSES]
Every *.dcm of SOURCE_DIR is re-encoded with pydicom's ds.compress(JPEG2000Lossless) (pylibjpeg-
openjpeg), one frame per fragment with an empty basic offset table, into TARGET_DIR under the
same name. Prints one JSON line: {"files": n, "seconds": s, "bytes": total size written}.
"""
import json
import os
import sys
import time
from multiprocessing import Pool

import pydicom
from pydicom.uid import JPEG2000Lossless


def encode_one(paths):
    source, target = paths
    ds = pydicom.dcmread(source)
    ds.compress(JPEG2000Lossless, ds.pixel_array, encoding_plugin="pylibjpeg")
    ds.save_as(target, enforce_file_format=True)
    return os.path.getsize(target)


def main():
    source_dir, target_dir = sys.argv[1], sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count() or 1
    os.makedirs(target_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(source_dir) if n.endswith(".dcm"))
    jobs = [(os.path.join(source_dir, n), os.path.join(target_dir, n)) for n in names]
    start = time.perf_counter()
    with Pool(processes) as pool:
        sizes = pool.map(encode_one, jobs, chunksize=8)
    print(json.dumps({"files": len(names), "seconds": time.perf_counter() - start, "bytes": sum(sizes)}))


if __name__ == "__main__":
    main()
