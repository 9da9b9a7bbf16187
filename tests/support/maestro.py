"""The MAESTRO check every data-driven Python test starts with."""
import os

SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests


def maestro_missing(data):
    """A SKIP line when `data` holds no MAESTRO CSV, else None."""
    if os.path.exists(os.path.join(data, "maestro-v3.0.0.csv")):
        return None
    return f"SKIP: no MAESTRO data at {data} (music-lstm get-data fetches it)"
