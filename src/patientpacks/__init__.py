"""patientpacks: branded, multilingual patient leaflets from packs, templates and catalogues."""

__version__ = "0.1.0"
