"""Time PyRadiomics on one image/mask with the given settings (for test/bench/radiomics.ts).

usage: python3 pyradiomics_time.py IMAGE MASK SETTINGS_JSON IMAGE_TYPES_JSON REPEATS
prints one JSON line: {"seconds": [...], "features": {name: value}}
"""
import json
import sys
import time

import SimpleITK as sitk
from radiomics import featureextractor, setVerbosity

setVerbosity(60)
# Single thread, like the engine it is compared with (SimpleITK filters are multi-threaded by default).
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
image_path, mask_path, settings, image_types, repeats = sys.argv[1:6]
image = sitk.ReadImage(image_path)
mask = sitk.ReadImage(mask_path)
extractor = featureextractor.RadiomicsFeatureExtractor(**json.loads(settings))
extractor.disableAllImageTypes()
for name, options in json.loads(image_types).items():
    if "sigma" in options:  # JSON has no 1.0: give PyRadiomics floats, as a YAML params file with 1.0 would
        options["sigma"] = [float(s) for s in options["sigma"]]
    extractor.enableImageTypeByName(name, customArgs=options)
seconds = []
for _ in range(int(repeats)):
    start = time.perf_counter()
    result = extractor.execute(image, mask)
    seconds.append(time.perf_counter() - start)
features = {k: float(v) for k, v in result.items() if not k.startswith("diagnostics_")}
print(json.dumps({"seconds": seconds, "features": features}))
