'use strict';
// Client side of the image gateway REST API (what shifterimg's queryGateway() does with libcurl).
// The caller is identified by the "authentication" header, as in Shifter:
//   - a munge credential ("MUNGE:...") when the site config names a munge socket (the gateway decodes
//     it with unmunge and so learns the caller's real uid/gid), or
//   - "plain:<uid>:<gid>" otherwise (test set-ups without munge; the gateway may refuse these).

const http = require('http');
const { spawnSync } = require('child_process');

function authHeader(conf) {
  if (conf.mungeSocket) {
    const r = spawnSync('munge', ['-n', '-S', conf.mungeSocket], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim().startsWith('MUNGE:')) return r.stdout.trim();
  }
  const uid = process.getuid();
  const gid = process.getgid();
  return `plain:${uid}:${gid}`;
}

function encodeSeg(s) {
  // curl_easy_escape(): everything but unreserved characters is percent-encoded (':' and '/' too)
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function apiPath(mode, system, type, tag) {
  if (tag != null) return `/api/${mode}/${encodeSeg(system)}/${encodeSeg(type)}/${encodeSeg(tag)}/`;
  return `/api/${mode}/${encodeSeg(system)}/`;
}

/**
 * @returns {Promise<{ok: boolean, status?: number, text?: string, json?: any, isJson?: boolean,
 *                    connectError?: boolean, errno?: number, error?: string}>}
 */
function request(conf, method, path, body) {
  return new Promise((resolve) => {
    let url;
    try {
      url = new URL(conf.imageGateway + path);
    } catch (e) {
      resolve({ ok: false, connectError: false, errno: 3, error: String(e) });
      return;
    }
    const headers = { authentication: authHeader(conf) };
    let payload = null;
    if (method === 'POST') {
      payload = Buffer.from(body == null ? '' : body);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(payload.length);
    }
    const req = http.request(
      { hostname: url.hostname, port: url.port || 80, path: url.pathname + url.search, method, headers, timeout: conf.gatewayTimeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = /^application\/json\s*$/.test(String(res.headers['content-type'] || ''));
          let json;
          if (isJson) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ ok: true, status: res.statusCode, text, json, isJson });
        });
        res.on('error', (e) => resolve({ ok: false, connectError: false, errno: 56, error: String(e) }));
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error('timeout'));
    });
    req.on('error', (e) => {
      const code = e && e.code;
      if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
        resolve({ ok: false, connectError: true, errno: 7, error: String(e) });
      } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        resolve({ ok: false, connectError: false, errno: 6, error: String(e) });
      } else if (String(e && e.message) === 'timeout') {
        resolve({ ok: false, connectError: false, errno: 28, error: String(e) });
      } else {
        resolve({ ok: false, connectError: false, errno: 56, error: String(e) });
      }
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** lookup as shifter's lookup_ImageIdentifier does: the id of a READY image visible to the caller, or null */
async function lookupId(conf, type, tag) {
  const r = await request(conf, 'GET', apiPath('lookup', conf.system, type, tag));
  if (!r.ok || r.status !== 200 || !r.json || typeof r.json.id !== 'string' || r.json.id === 'MISSING') return null;
  return r.json.id;
}

module.exports = { request, apiPath, lookupId, authHeader };
