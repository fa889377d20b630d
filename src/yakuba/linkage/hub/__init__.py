"""The hub (情報提供ネットワークシステム) as a service: its core (`core.Hub`), its WSGI app and server.
Pure: no Django. docs/linkage/services.md."""

from yakuba.linkage.hub.core import Enrolment, Hub, ProvideRequest

__all__ = ["Hub", "Enrolment", "ProvideRequest"]
