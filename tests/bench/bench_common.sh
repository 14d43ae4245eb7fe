# shellcheck shell=bash
# Shared by the bench scripts (sourced): a free loopback port, medians, and
# nginx serving a directory from a work dir.

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Numbers on standard input, one per line: their median.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# start_nginx NGINX_BIN WORK MAX_CONNECTIONS SERVER_LINES
# Serves WORK/www with keep-alive for the whole run and no access log;
# SERVER_LINES (listen directives, certificates) go into the server block.
# Stop it with: kill "$(cat WORK/nginx.pid)".
start_nginx() {
  local nginx_bin=$1 work=$2 connections=$3 server_lines=$4
  mkdir -p "$work/tmp"
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $((connections + 1000));
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections $connections; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  access_log off;
  keepalive_timeout 600s;
  keepalive_requests 100000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server {
    $server_lines
    root $work/www;
  }
}
CONF
  "$nginx_bin" -p "$work" -c "$work/nginx.conf"
  for _ in $(seq 50); do [ -f "$work/nginx.pid" ] && break; sleep 0.1; done
}
