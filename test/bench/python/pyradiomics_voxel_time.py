"""Time PyRadiomics' voxel-based extraction on one image/mask (for test/bench/voxel-maps.ts).

usage: python3 pyradiomics_voxel_time.py IMAGE MASK SETTINGS_JSON FEATURE_CLASSES_JSON
prints one JSON line: {"seconds": s, "pyradiomics": version, "maps": {name: [value at each ROI voxel]}}
with the ROI voxels of each map in x-fastest order (NaN written as null).
"""
import json
import logging
import math
import sys
import time

import numpy as np
import SimpleITK as sitk
import radiomics
from radiomics import featureextractor

logging.getLogger('radiomics').setLevel(logging.CRITICAL)
radiomics.setVerbosity(60)
image_path, mask_path, settings, classes = sys.argv[1:5]
settings = json.loads(settings)
image = sitk.ReadImage(image_path)
mask = sitk.ReadImage(mask_path)
extractor = featureextractor.RadiomicsFeatureExtractor(**settings)
extractor.disableAllFeatures()
for name, features in json.loads(classes).items():
    extractor.enableFeaturesByName(**{name: features})
start = time.perf_counter()
result = extractor.execute(image, mask, voxelBased=True)
seconds = time.perf_counter() - start

# The ROI voxels on the maps' grid: the ROI box ± kernelRadius, clipped to the image.
label = sitk.GetArrayFromImage(mask) == settings.get('label', 1)
radius = settings.get('kernelRadius', 1)
zyx = np.array(np.where(label))
lower = np.maximum(zyx.min(1) - radius, 0)
upper = np.minimum(zyx.max(1) + radius, np.array(label.shape) - 1)
roi = np.flatnonzero(label[lower[0]:upper[0] + 1, lower[1]:upper[1] + 1, lower[2]:upper[2] + 1].ravel())
maps = {}
for name, value in result.items():
    if isinstance(value, sitk.Image):
        data = sitk.GetArrayFromImage(value).ravel()[roi]
        maps[name] = [None if math.isnan(v) else float(v) for v in data]
print(json.dumps({'seconds': seconds, 'pyradiomics': radiomics.__version__, 'maps': maps}))
