"""The city's public copy of the hub's provision log, in the C2SP tlog-tiles layout (`checkpoint`,
`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`): read from the hub over mutual TLS, for any tlog
client and for `yakuba linkage verify --log https://<city>/linkage/log/`. Entries carry no personal data."""

from django.urls import path

from yakuba.health import views

urlpatterns = [
    path("<path:rel>", views.public_log, name="file"),
]
