"""Time SimpleITK's LaplacianRecursiveGaussianImageFilter as PyRadiomics calls it (for test/bench/log.ts).

usage: python3 log_time.py IMAGE SIGMAS_JSON REPEATS
One thread (SimpleITK's global default set to 1). Prints one JSON line:
{"simpleitk": version, "ms": {sigma: [ms per repeat]}, "sha256": {sigma: SHA-256 of the float32 voxels}}
"""
import hashlib
import json
import sys
import time

import SimpleITK as sitk

image_path, sigmas, repeats = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
image = sitk.ReadImage(image_path)
times, hashes = {}, {}
for sigma in sigmas:
    f = sitk.LaplacianRecursiveGaussianImageFilter()
    f.SetNormalizeAcrossScale(True)
    f.SetSigma(sigma)
    f.SetNumberOfThreads(1)
    out = f.Execute(image)  # warm-up
    times[str(sigma)] = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = f.Execute(image)
        times[str(sigma)].append((time.perf_counter() - start) * 1000)
    hashes[str(sigma)] = hashlib.sha256(sitk.GetArrayFromImage(out).astype('<f4').tobytes()).hexdigest()
print(json.dumps({"simpleitk": sitk.Version_VersionString(), "ms": times, "sha256": hashes}))
