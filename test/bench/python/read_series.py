"""Time reading a DICOM series folder with SimpleITK or pydicom + numpy (for test/bench/imaging.ts).

usage: python3 read_series.py DIR simpleitk|pydicom REPEATS
- simpleitk: ImageSeriesReader.GetGDCMSeriesFileNames (GDCM scans and sorts) + Execute, default threads.
- pydicom: dcmread every file, sort by ImagePositionPatient on the slice normal, stack pixel_array
  (rescaled when slope/intercept are not 1/0) into one numpy array.
Each repeat reads the files again (from the OS page cache after the first). Prints one JSON line:
{"reader", "version", "seconds": [per repeat], "rssBeforeMiB", "peakRssMiB", "size": [x, y, z],
 "dtype", "sum", "sha256"} where sha256 is over the voxels as little-endian int32 (float64 when
not integer), x fastest, slices in sorted order.
"""
import hashlib
import json
import os
import resource
import sys
import time

import numpy as np


def rss_mib():
    """Current resident set size (MiB), from /proc."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib():
    """High-water resident set size of this process (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_simpleitk(folder):
    """The volume as SimpleITK (GDCM) reads the series: a (z, y, x) numpy array."""
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(sitk.ImageSeriesReader.GetGDCMSeriesFileNames(folder))
    image = reader.Execute()
    return sitk.GetArrayViewFromImage(image), image


def read_pydicom(folder):
    """The volume as pydicom + numpy read it: files sorted along the normal, stacked."""
    import pydicom

    datasets = [pydicom.dcmread(os.path.join(folder, n)) for n in os.listdir(folder) if n.endswith(".dcm")]
    orientation = np.array(datasets[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(orientation[:3], orientation[3:])
    datasets.sort(key=lambda ds: float(np.dot(np.array(ds.ImagePositionPatient, dtype=float), normal)))
    slope = float(getattr(datasets[0], "RescaleSlope", 1))
    intercept = float(getattr(datasets[0], "RescaleIntercept", 0))
    first = datasets[0].pixel_array
    rescaled = slope != 1 or intercept != 0
    volume = np.empty((len(datasets),) + first.shape, dtype=np.float64 if rescaled else first.dtype)
    for k, ds in enumerate(datasets):
        pixels = ds.pixel_array
        volume[k] = pixels * slope + intercept if rescaled else pixels
    return volume, None


def voxel_hash(volume):
    """sha256 of the voxels as <i4 (or <f8), slice by slice (bounded memory)."""
    digest = hashlib.sha256()
    kind = "<i4" if np.issubdtype(volume.dtype, np.integer) else "<f8"
    for k in range(volume.shape[0]):
        digest.update(np.ascontiguousarray(volume[k]).astype(kind).tobytes())
    return digest.hexdigest()


def main():
    folder, reader, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    read = read_simpleitk if reader == "simpleitk" else read_pydicom
    if reader == "simpleitk":
        import SimpleITK as sitk

        version = sitk.Version_VersionString()
    else:
        import pydicom

        version = pydicom.__version__
    before = rss_mib()
    seconds = []
    volume = None
    for _ in range(repeats):
        volume = keep = None
        start = time.perf_counter()
        volume, keep = read(folder)
        seconds.append(time.perf_counter() - start)
    peak = peak_rss_mib()
    print(json.dumps({
        "reader": reader,
        "version": version,
        "seconds": seconds,
        "rssBeforeMiB": before,
        "peakRssMiB": peak,
        "size": [int(volume.shape[2]), int(volume.shape[1]), int(volume.shape[0])],
        "dtype": str(volume.dtype),
        "sum": float(volume.sum(dtype=np.float64)),
        "sha256": voxel_hash(volume),
    }))


if __name__ == "__main__":
    main()
