from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"

    def ready(self):
        from knowsley_sv.audit import register_seal

        from .selectors.bids import audit_events_unsealed

        register_seal(audit_events_unsealed)
