"""kabarbanten.pikiran-rakyat.com: Banten (Pikiran Rakyat network)."""

from crawler.portals.base import pikiran_rakyat

PORTAL = pikiran_rakyat("kabarbanten", "https://kabarbanten.pikiran-rakyat.com/", "Kabar Banten")
