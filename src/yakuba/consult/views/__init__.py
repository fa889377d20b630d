"""Screens of the 基幹福祉相談センター, one module per family (cases; later sharing, attachments,
terminals, corrections, retention); `yakuba.consult.urls` names them."""
