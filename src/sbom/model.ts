/** The SBOM data model: what `flaskpack sbom` prints with --json and what `scan` reads. */

export type Ecosystem = "deb" | "pypi";

export interface Component {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  /** SPDX ids or expressions where the package declares them, else the license names as written. */
  licenses: string[];
  /** Debian: the source package and its version, which is what Debian's security data is keyed by. */
  source?: { name: string; version: string };
  /** Debian: the architecture; Python: absent. */
  arch?: string;
  /** How many files the package owns (directories not counted). */
  files: number;
  /** How many of those are in the image (fewer in slim images). */
  filesPresent: number;
  /** Some, but not all, of the package's files remain. */
  partial: boolean;
  /** Index (0-based, bottom first) and diff id of the layer that installed the package's metadata. */
  layer?: { index: number; digest?: string };
  /** Python: pip, uv, debian (no INSTALLER file under dist-packages), …. */
  installer?: string;
  /** Python: the Debian package owning this distribution; such a dist is matched through Debian's data only. */
  debianPackage?: string;
  /** Where the metadata was read (dpkg status entry or dist-info directory), without a leading "/". */
  location: string;
  /** The package's files that are in the image; only when asked for (`sbom --files`), as it is long. */
  paths?: string[];
}

export interface Sbom {
  schema: "flaskpack.sbom/1";
  image: { ref: string; id?: string; os?: { id: string; versionId?: string; codename?: string; pretty?: string }; layers: number; files: number };
  components: Component[];
  /** Regular files and symlinks in the image that no package claims. */
  unownedFiles: number;
  /** The largest directories of unowned files, for a quick look at what is hand-installed. */
  unownedByDir: { dir: string; files: number }[];
  createdAt: string;
  tool: { name: "flaskpack"; version: string };
}

/** One file of the image's merged view. */
export interface ImageEntry {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  size: number;
  layer: number;
  linkTarget?: string;
}

/** What catalogers see: the merged file list and the contents of the metadata files they asked for. */
export interface CatalogInput {
  entries: Map<string, ImageEntry>;
  contents: Map<string, Buffer>;
  /** Resolves a path through symlinked parent directories (bin -> usr/bin), "" if outside the image. */
  resolve(path: string): string;
  /** Whether a package's file is still there; a module shipped as bytecode only (x.py → x.pyc) counts. */
  present(path: string): boolean;
}

export interface Cataloged {
  component: Component;
  /** Every path the package claims (resolved, no leading "/"), present or not. */
  owned: string[];
}

/** One ecosystem: which metadata files it reads, and how it turns them into components. Syft's model. */
export interface Cataloger {
  name: string;
  wants(path: string): boolean;
  /** `prior` holds what earlier catalogers found (dpkg runs first, so Python knows Debian-owned dists). */
  catalog(input: CatalogInput, prior: readonly Cataloged[]): Cataloged[];
}
