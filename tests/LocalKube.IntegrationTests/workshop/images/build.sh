#!/bin/sh
# Builds the workshop's stand-in images inside a LocalKube node, from what the node already carries (its busybox,
# openssl and tini, Debian's) and the two scripts next to this file, with "docker import": no registry, no Dockerfile
# base image. Run it in the node:
#   docker cp images NODE:/var/tmp/workshop-images && docker exec NODE sh /var/tmp/workshop-images/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/app" "$root/etc/nginx/conf.d" "$root/etc/tls" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
cp /bin/busybox /usr/bin/tini-static "$root/bin/"
mv "$root/bin/tini-static" "$root/bin/tini"
for applet in $(busybox --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
# openssl with the shared libraries it loads (found by ldd, so this works on any architecture).
cp /usr/bin/openssl "$root/bin/openssl"
for lib in $(ldd /usr/bin/openssl | awk '/=>/ { print $3 } /^[[:space:]]*\// { print $1 }'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root/usr/lib/ssl"
cp -L /usr/lib/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
cp "$here/app" "$root/app/app"
cp "$here/nginx" "$root/bin/nginx"
chmod 0755 "$root/app/app" "$root/bin/nginx"
: >"$root/etc/hosts"; : >"$root/etc/resolv.conf"
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"

# image NAME:TAG VERSION ENTRYPOINT-JSON
image() {
  echo "$2" >"$root/app/VERSION"
  tar -C "$root" -c . | docker import -c "ENTRYPOINT $3" -c 'ENV PATH=/bin' -m "LocalKube workshop stand-in" - "$1" >/dev/null
  echo "built $1"
}
image localkube-workshop/monolith:1.0.0 1.0.0 '["/bin/tini", "--", "/app/app", "monolith"]'
image localkube-workshop/hello:1.0.0 1.0.0 '["/bin/tini", "--", "/app/app", "hello"]'
image localkube-workshop/hello:2.0.0 2.0.0 '["/bin/tini", "--", "/app/app", "hello"]'
image localkube-workshop/auth:1.0.0 1.0.0 '["/bin/tini", "--", "/app/app", "auth"]'
image localkube-workshop/nginx:1.9.14 1.9.14 '["/bin/tini", "--", "/bin/nginx"]'
