"""Files examiners hand on, as view data and pure builders: the dossier (履职档案), the
export (两表一单, 整改台账), the period's 专报, bulk import, and the xlsx writer.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "dossier_sheets",
    "dossier_view",
    "export_sheets",
    "export_view",
    "import_rows",
    "imports",
    "period_report",
    "xlsx",
]
