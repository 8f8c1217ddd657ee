"""Replace the vendored Decap CMS bundle with another npm version: `python scripts/vendor_decap.py 3.16.3`.

Runs `npm pack decap-cms@VERSION` in a temporary folder, copies the main bundle, its chunks and
its licence file into site_builder/cms/vendor/decap-cms/ (no source maps), and prints the
version to set as DECAP_VERSION in site_builder/cms/admin.py.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

TARGET = pathlib.Path(__file__).resolve().parent.parent / "site_builder" / "cms" / "vendor" / "decap-cms"
KEEP = ("LICENSE",)


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["npm", "pack", f"decap-cms@{version}"], cwd=work, check=True, capture_output=True)
        archive = next(pathlib.Path(work).glob("decap-cms-*.tgz"))
        with tarfile.open(archive) as packed:
            packed.extractall(work, filter="data")
        dist = pathlib.Path(work, "package", "dist")
        for old in TARGET.iterdir():
            if old.name not in KEEP:
                old.unlink()
        for file in sorted(dist.iterdir()):
            if file.name == "decap-cms.js" or file.name.endswith(".decap-cms.js") or file.name == "decap-cms.js.LICENSE.txt":
                shutil.copyfile(file, TARGET / file.name)
    print(f"decap-cms {version} copied to {TARGET}; set DECAP_VERSION = \"{version}\" in site_builder/cms/admin.py")


if __name__ == "__main__":
    main(sys.argv[1])
