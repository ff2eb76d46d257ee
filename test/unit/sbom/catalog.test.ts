import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogImage, makeResolver } from "../../../src/sbom/catalog.ts";
import { parseCopyrightLicenses, parseDpkgStatus } from "../../../src/sbom/catalogers/dpkg.ts";
import { normalizePypiName, parseRecord } from "../../../src/sbom/catalogers/python.ts";
import type { ImageEntry } from "../../../src/sbom/model.ts";

/** A tiny image: entries plus the metadata files' contents, as the image reader hands them to catalogers. */
function image(files: Record<string, string | { link: string } | "dir">, layerOf: Record<string, number> = {}) {
  const entries = new Map<string, ImageEntry>();
  const contents = new Map<string, Buffer>();
  for (const [path, v] of Object.entries(files)) {
    const layer = layerOf[path] ?? 0;
    if (v === "dir") entries.set(path, { path, type: "dir", size: 0, layer });
    else if (typeof v === "object") entries.set(path, { path, type: "symlink", size: 0, layer, linkTarget: v.link });
    else {
      entries.set(path, { path, type: "file", size: v.length, layer });
      contents.set(path, Buffer.from(v));
    }
  }
  return { entries, contents };
}

const STATUS = `Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2+b1

Package: perl-base
Status: install ok installed
Architecture: amd64
Version: 5.36.0-7

Package: oldpkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
`;

const COPYRIGHT = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bash

Files: *
Copyright: Free Software Foundation
License: GPL-3+

Files: debian/*
License: GPL-2+ or Expat
`;

test("dpkg: installed packages with source, licenses, layer; files through symlinked /bin; excluded docs not counted", () => {
  const { entries, contents } = image({
    "var/lib/dpkg/status": STATUS,
    "var/lib/dpkg/info/bash.list": "/.\n/bin\n/bin/bash\n/usr/share/doc/bash/README.gz\n/usr/share/doc/bash/copyright\n",
    "var/lib/dpkg/info/libssl3:amd64.list": "/usr\n/usr/lib\n/usr/lib/libssl.so.3\n",
    "var/lib/dpkg/info/perl-base.list": "/usr/bin/perl\n",
    "etc/dpkg/dpkg.cfg.d/excludes": "path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\n",
    "etc/os-release": 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    "usr/share/doc/bash/copyright": COPYRIGHT,
    bin: { link: "usr/bin" },
    usr: "dir",
    "usr/bin": "dir",
    "usr/bin/bash": "ELF",
    "usr/lib/libssl.so.3": "ELF",
    "usr/local/bin/tool": "mine",
  }, { "var/lib/dpkg/info/libssl3:amd64.list": 1 });
  const { sbom } = catalogImage(entries, contents);
  const byName = new Map(sbom.components.map((c) => [c.name, c]));
  assert.deepEqual([...byName.keys()].sort(), ["bash", "libssl3"], "perl-base has no file left, oldpkg is not installed");
  const bash = byName.get("bash")!;
  assert.equal(bash.files, 2, "bin/bash (via the /bin symlink) and the copyright; README excluded by dpkg config");
  assert.equal(bash.filesPresent, 2);
  assert.equal(bash.partial, false);
  assert.deepEqual(bash.licenses, ["GPL-3.0-or-later", "GPL-2.0-or-later", "MIT"]);
  assert.match(bash.purl, /^pkg:deb\/debian\/bash@5\.2\.15-2(\+|%2B)b2\?arch=amd64&distro=debian-12$/);
  const ssl = byName.get("libssl3")!;
  assert.deepEqual(ssl.source, { name: "openssl", version: "3.0.11-1~deb12u2" });
  assert.equal(ssl.layer?.index, 1);
  assert.match(ssl.purl, /upstream=openssl%403\.0\.11-1(~|%7E)deb12u2$/);
  assert.equal(sbom.os?.codename, "bookworm");
  assert.ok(sbom.unownedFiles >= 1);
  assert.ok(sbom.unownedByDir.some((d) => d.dir === "usr/local/bin"));
});

test("slim image: a package with some files left is partial, with counts", () => {
  const { entries, contents } = image({
    "var/lib/dpkg/status": STATUS,
    "var/lib/dpkg/info/bash.list": "/usr/bin/bash\n/usr/bin/bashbug\n/etc/bash.bashrc\n",
    "usr/bin/bash": "ELF",
  });
  const bash = catalogImage(entries, contents).sbom.components.find((c) => c.name === "bash")!;
  assert.deepEqual([bash.files, bash.filesPresent, bash.partial], [3, 1, true]);
});

test("distroless: status.d entries with md5sums as the file list", () => {
  const { entries, contents } = image({
    "var/lib/dpkg/status.d/libc6": "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n",
    "var/lib/dpkg/status.d/libc6.md5sums": "0123abcd  lib/x86_64-linux-gnu/libc.so.6\n4567ef01  usr/share/doc/libc6/copyright\n",
    "lib/x86_64-linux-gnu/libc.so.6": "ELF",
  });
  const [libc] = catalogImage(entries, contents).sbom.components;
  assert.equal(libc.name, "libc6");
  assert.deepEqual(libc.source, { name: "glibc", version: "2.36-9+deb12u4" });
  assert.deepEqual([libc.files, libc.filesPresent, libc.partial], [2, 1, true]);
  assert.equal(libc.location, "var/lib/dpkg/status.d/libc6");
});

test("python: pip dist-info with RECORD in a venv, Debian's egg-info owned by its package, single-file egg-info", () => {
  const site = "opt/venv/lib/python3.11/site-packages";
  const deb = "usr/lib/python3/dist-packages";
  const { entries, contents } = image({
    [`${site}/Flask-2.2.2.dist-info/METADATA`]: "Metadata-Version: 2.1\nName: Flask\nVersion: 2.2.2\nLicense: BSD-3-Clause\n\nLong text",
    [`${site}/Flask-2.2.2.dist-info/INSTALLER`]: "pip\n",
    [`${site}/Flask-2.2.2.dist-info/RECORD`]: `flask/__init__.py,sha256=x,10\n"flask/a,b.py",sha256=y,5\n../../../bin/flask,sha256=z,3\nFlask-2.2.2.dist-info/METADATA,,\n`,
    [`${site}/flask/__init__.py`]: "x",
    "opt/venv/bin/flask": "#!",
    "var/lib/dpkg/status": "Package: python3-jinja2\nStatus: install ok installed\nVersion: 3.1.2-1\nArchitecture: all\nSource: jinja2\n",
    "var/lib/dpkg/info/python3-jinja2.list": `/${deb}/Jinja2-3.1.2.egg-info/PKG-INFO\n/${deb}/Jinja2-3.1.2.egg-info/top_level.txt\n/${deb}/jinja2/__init__.py\n/usr/share/doc/python3-jinja2/copyright\n`,
    [`${deb}/Jinja2-3.1.2.egg-info/PKG-INFO`]: "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\nClassifier: License :: OSI Approved :: BSD License\n",
    [`${deb}/Jinja2-3.1.2.egg-info/top_level.txt`]: "jinja2\n",
    [`${deb}/jinja2/__init__.py`]: "x",
    [`${deb}/six-1.16.0.egg-info`]: "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n",
  });
  const { sbom } = catalogImage(entries, contents);
  const py = new Map(sbom.components.filter((c) => c.ecosystem === "pypi").map((c) => [c.name, c]));
  const flask = py.get("Flask")!;
  assert.equal(flask.installer, "pip");
  assert.equal(flask.purl, "pkg:pypi/flask@2.2.2");
  assert.deepEqual([flask.files, flask.filesPresent, flask.partial], [4, 3, true], "flask/a,b.py is gone");
  assert.deepEqual(flask.licenses, ["BSD-3-Clause"]);
  const jinja = py.get("Jinja2")!;
  assert.equal(jinja.debianPackage, "python3-jinja2");
  assert.equal(jinja.installer, "debian");
  assert.equal(jinja.files, 3);
  assert.deepEqual(jinja.licenses, ["BSD-3-Clause"]);
  assert.equal(py.get("six")?.location, `${deb}/six-1.16.0.egg-info`);
});

test("helpers: status parsing, DEP-5 only, RECORD quoting, PEP 503 names, symlink resolution", () => {
  assert.equal(parseDpkgStatus(STATUS).length, 3);
  assert.deepEqual(parseCopyrightLicenses("This package was debianized by someone.\nLicense: GPL\n"), []);
  assert.deepEqual(parseRecord('"a,""b"".py",sha256=1,2\nc.py,,\n'), ['a,"b".py', "c.py"]);
  assert.equal(normalizePypiName("Zope.Interface__x"), "zope-interface-x");
  const { entries } = image({ lib: { link: "usr/lib" }, "usr/lib/x": { link: "../../opt/y" }, "usr/lib64": { link: "/usr/lib" } });
  const resolve = makeResolver(entries);
  assert.equal(resolve("/lib/libc.so"), "usr/lib/libc.so");
  assert.equal(resolve("usr/lib64/a/b"), "usr/lib/a/b");
  assert.equal(resolve("usr/lib/x/z"), "opt/y/z");
});

test("bytecode: __pycache__ files belong to their module's owner; a sourceless x.pyc keeps x.py present", () => {
  const site = "opt/venv/lib/python3.11/site-packages";
  const { entries, contents } = image({
    [`${site}/Flask-2.2.2.dist-info/METADATA`]: "Name: Flask\nVersion: 2.2.2\n",
    [`${site}/Flask-2.2.2.dist-info/RECORD`]: "flask/__init__.py,,\nflask/app.py,,\nflask/cli.py,,\nFlask-2.2.2.dist-info/METADATA,,\nFlask-2.2.2.dist-info/RECORD,,\n",
    [`${site}/flask/__init__.pyc`]: "bytecode",
    [`${site}/flask/app.py`]: "src",
    [`${site}/flask/__pycache__/app.cpython-311.pyc`]: "bytecode",
    [`${site}/flask/__pycache__/app.cpython-311.opt-1.pyc`]: "bytecode",
    "app/__pycache__/main.cpython-311.pyc": "mine",
  });
  const { sbom } = catalogImage(entries, contents);
  const flask = sbom.components[0];
  assert.deepEqual([flask.files, flask.filesPresent, flask.partial], [5, 4, true], "cli.py is gone, __init__ ships as bytecode");
  assert.equal(sbom.unownedFiles, 1, "only the app's own bytecode is unowned");
});

test("files: asked for, each package lists its files that are in the image", () => {
  const { entries, contents } = image({
    "var/lib/dpkg/status": STATUS,
    "var/lib/dpkg/info/bash.list": "/usr/bin/bash\n/usr/bin/bashbug\n",
    "usr/bin/bash": "ELF",
  });
  assert.equal(catalogImage(entries, contents).sbom.components[0].paths, undefined);
  assert.deepEqual(catalogImage(entries, contents, { files: true }).sbom.components[0].paths, ["usr/bin/bash"]);
});
