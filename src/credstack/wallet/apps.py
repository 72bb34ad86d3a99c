from __future__ import annotations

from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "credstack.wallet"
    label = "wallet"
    verbose_name = "Wallet"
