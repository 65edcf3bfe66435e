"""Licences as other standards write them, read as the register's SPDX expressions.

Croissant gives a licence as a URL (schema.org `license`), a Hugging Face card as a lower-case
SPDX id (`apache-2.0`) or a name of the Hub's own (`openrail`, `llama3`, `other`). What is not a
valid SPDX expression here is not guessed at: the caller reports it as not mapped.
"""

from __future__ import annotations

import re

from registry.lib.licences import licence_error, normalise_licence

# Licence pages that are not spdx.org's or Creative Commons', by the SPDX id they publish.
KNOWN_PAGES = {
    "opensource.org/licenses/mit": "MIT",
    "opensource.org/license/mit": "MIT",
    "www.apache.org/licenses/license-2.0": "Apache-2.0",
    "apache.org/licenses/license-2.0": "Apache-2.0",
    "www.nationalarchives.gov.uk/doc/open-government-licence/version/3": "OGL-UK-3.0",
    "opendatacommons.org/licenses/by/1-0": "ODC-By-1.0",
    "opendatacommons.org/licenses/odbl/1-0": "ODbL-1.0",
    "opendatacommons.org/licenses/pddl/1-0": "PDDL-1.0",
    "www.gnu.org/licenses/gpl-3.0": "GPL-3.0-only",
}
SPDX_PAGE = re.compile(r"^spdx\.org/licenses/(?P<id>[A-Za-z0-9.+-]+?)(\.html|\.json)?$")
CC_PAGE = re.compile(
    r"^creativecommons\.org/licenses/(?P<kind>[a-z-]+)/(?P<version>[0-9.]+)(/(?P<port>[a-z]+))?$"
)
CC_ZERO = re.compile(r"^creativecommons\.org/publicdomain/zero/(?P<version>[0-9.]+)$")


def licence_from(value: object) -> str | None:
    """The SPDX expression a licence id, expression or licence page stands for; None if unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.match(r"^https?://", text, re.IGNORECASE):
        return licence_of_page(text)
    if licence_error(text) is None:
        return normalise_licence(text)
    return None


def licence_of_page(url: str) -> str | None:
    """The SPDX id of a licence's own web page (spdx.org, Creative Commons, a few others)."""
    page = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).rstrip("/")
    page = re.sub(r"(/legalcode(\.[a-z]+)?|/deed\.[a-z]+)$", "", page).rstrip("/")
    spdx = SPDX_PAGE.match(page)
    if spdx:
        return licence_from(spdx.group("id"))
    cc = CC_PAGE.match(page.lower())
    if cc:
        port = f"-{cc.group('port').upper()}" if cc.group("port") else ""
        return licence_from(f"CC-{cc.group('kind').upper()}-{cc.group('version')}{port}")
    zero = CC_ZERO.match(page.lower())
    if zero:
        return licence_from(f"CC0-{zero.group('version')}")
    known = KNOWN_PAGES.get(page.lower().removesuffix(".html").removesuffix(".txt"))
    return known
