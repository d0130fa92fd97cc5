# shellcheck shell=bash
# Edge releases on the Pi: each release is a folder under $INSTALL_DIR/releases/<id>; the
# symlinks `current` and `previous` pick the running one and the one to roll back to.
# Needs lib.sh (ROOT, DRY_RUN, put_link, log, die) and INSTALL_DIR.

# The id of a release source: its RELEASE file, else its git commit, else its package version.
release_id() {
  local src=$1 id=''
  if [ -f "$src/RELEASE" ]; then id=$(tr -d '[:space:]' < "$src/RELEASE")
  elif git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then id=$(git -C "$src" describe --always --dirty --abbrev=12)
  elif [ -f "$src/package.json" ]; then id=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$src/package.json" | head -n 1)
  fi
  [[ "$id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "cannot tell the release id of $src (add a RELEASE file with e.g. 2.0.1)"
  printf '%s' "$id"
}

# The release a link points at, or nothing.
linked_release() {
  local link
  link=$(target "$INSTALL_DIR/$1")
  if [ -L "$link" ]; then basename "$(readlink "$link")"; fi
}

# Copies a release source into releases/<id> unless that release is already installed.
# Prints the id. The copy is made beside its final place and renamed, so a cut power never
# leaves a half-copied release that looks complete.
install_release() {
  local src=$1 id dest
  [ -d "$src" ] || die "release source $src is not a folder"
  id=$(release_id "$src")
  dest=$(target "$INSTALL_DIR/releases/$id")
  if [ -d "$dest" ]; then printf '%s' "$id"; return; fi
  if [ "$DRY_RUN" = 1 ]; then log "would install release $id from $src" >&2; printf '%s' "$id"; return; fi
  rm -rf -- "$dest.partial"
  mkdir -p "$dest.partial"
  tar -C "$src" --exclude=./.git --exclude=./data -cf - . | tar -C "$dest.partial" -xf -
  if [ ! -d "$dest.partial/node_modules" ]; then
    if prefix_mode; then log "would run: npm ci --no-audit --no-fund (in releases/$id)" >&2
    else (cd "$dest.partial" && npm ci --no-audit --no-fund >&2) || { rm -rf -- "$dest.partial"; die "npm ci failed for release $id"; }
    fi
  fi
  # The web app and the plain-JS edge bundle the service runs (see edge/scripts/build-bundle.ts).
  if [ ! -f "$dest.partial/edge/build/bundle/tokkatot-edge.mjs" ] && [ -f "$dest.partial/package.json" ]; then
    if prefix_mode; then log "would run: npm run build:ui && npm run build:edge (in releases/$id)" >&2
    else (cd "$dest.partial" && npm run build:ui >&2 && npm run build:edge >&2) || { rm -rf -- "$dest.partial"; die "build failed for release $id"; }
    fi
  fi
  mv -T "$dest.partial" "$dest"
  log "installed release: $id" >&2
  printf '%s' "$id"
}

# Makes a release current and the one it replaces previous.
activate_release() {
  local id=$1 was
  was=$(linked_release current)
  [ "$was" = "$id" ] && return 0
  if [ -n "$was" ]; then put_link "$INSTALL_DIR/previous" "releases/$was"; fi
  put_link "$INSTALL_DIR/current" "releases/$id"
}

# Deletes releases other than current and previous.
prune_releases() {
  local keep_current keep_previous dir name
  keep_current=$(linked_release current)
  keep_previous=$(linked_release previous)
  for dir in "$(target "$INSTALL_DIR/releases")"/*; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    if [ "$name" != "$keep_current" ] && [ "$name" != "$keep_previous" ]; then remove_path "$INSTALL_DIR/releases/$name"; fi
  done
}
