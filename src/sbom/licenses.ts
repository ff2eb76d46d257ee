/** License names as Debian (DEP-5) and Python metadata write them, mapped to SPDX ids where the mapping is certain. */
const DEBIAN_TO_SPDX: Record<string, string> = {
  "expat": "MIT",
  "mit": "MIT",
  "bsd-2-clause": "BSD-2-Clause",
  "bsd-3-clause": "BSD-3-Clause",
  "bsd-4-clause": "BSD-4-Clause",
  "isc": "ISC",
  "zlib": "Zlib",
  "apache-2.0": "Apache-2.0",
  "apache-2": "Apache-2.0",
  "psf-2": "PSF-2.0",
  "python-2.0": "Python-2.0",
  "public-domain": "LicenseRef-public-domain",
  "gpl-2": "GPL-2.0-only",
  "gpl-2+": "GPL-2.0-or-later",
  "gpl-3": "GPL-3.0-only",
  "gpl-3+": "GPL-3.0-or-later",
  "lgpl-2": "LGPL-2.0-only",
  "lgpl-2+": "LGPL-2.0-or-later",
  "lgpl-2.1": "LGPL-2.1-only",
  "lgpl-2.1+": "LGPL-2.1-or-later",
  "lgpl-3": "LGPL-3.0-only",
  "lgpl-3+": "LGPL-3.0-or-later",
  "gfdl-1.3+": "GFDL-1.3-or-later",
  "artistic": "Artistic-1.0-Perl",
  "mpl-2.0": "MPL-2.0",
  "cc0-1.0": "CC0-1.0",
  "openssl": "OpenSSL",
  "curl": "curl",
};

const CLASSIFIER_TO_SPDX: Record<string, string> = {
  "MIT License": "MIT",
  "BSD License": "BSD-3-Clause",
  "Apache Software License": "Apache-2.0",
  "ISC License (ISCL)": "ISC",
  "Python Software Foundation License": "PSF-2.0",
  "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
  "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
  "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
  "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
  "GNU Library or Lesser General Public License (LGPL)": "LGPL-2.0-or-later",
};

export function spdxForDebian(name: string): string {
  return DEBIAN_TO_SPDX[name.trim().toLowerCase()] ?? name.trim();
}

/** A dist's licenses from License-Expression, License, then license classifiers (PEP 639 order). */
export function pythonLicenses(headers: Map<string, string[]>): string[] {
  const expr = headers.get("license-expression")?.[0];
  if (expr) return [expr];
  const classifiers = (headers.get("classifier") ?? [])
    .filter((c) => c.startsWith("License ::"))
    .map((c) => c.split("::").pop()!.trim())
    .map((c) => CLASSIFIER_TO_SPDX[c] ?? c);
  const license = headers.get("license")?.[0];
  // A License field holding the whole license text is not a name.
  if (license && license !== "UNKNOWN" && !license.includes("\n") && license.length < 80) {
    return [spdxForDebian(license)];
  }
  return [...new Set(classifiers)];
}
