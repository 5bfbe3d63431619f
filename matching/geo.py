"""Great-circle distances between commune centres (haversine, km), one pair or many at once."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Points:
    """Many points, kept in radians with the cosine of their latitude (computed once)."""

    def __init__(self, lats: np.ndarray, lons: np.ndarray) -> None:
        self.lat = np.radians(np.asarray(lats, dtype=np.float64))
        self.lon = np.radians(np.asarray(lons, dtype=np.float64))
        self.cos_lat = np.cos(self.lat)

    def distances_km(self, lat: float, lon: float) -> np.ndarray:
        """Distances from one point (degrees) to every point (km)."""
        la1, lo1 = math.radians(lat), math.radians(lon)
        h = np.sin((self.lat - la1) / 2) ** 2 + math.cos(la1) * self.cos_lat * np.sin((self.lon - lo1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

