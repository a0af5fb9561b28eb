"""The unit registry: the known responsible units of each jurisdiction, kept as YAML files.

``load_registry`` writes them into the database; ``python manage.py load_units`` calls it.
"""

from .loader import DATA_DIR, RegistryError, default_paths, load_registry, read_specs

__all__ = ["DATA_DIR", "RegistryError", "default_paths", "load_registry", "read_specs"]
