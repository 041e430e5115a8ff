// The stand-in shifterimg against docs/shifter.md: output formats, polling, exit codes.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { BIN, fixture, Fixture, freePort, Gateway, httpRequest, pullAndWait, runAs, startGateway } from './helpers';

const TS = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}';
const IN_FLIGHT = ['MISSING', 'INIT', 'PENDING', 'PULLING', 'EXAMINATION', 'CONVERSION', 'TRANSFER'];

describe('shifter stand-in: shifterimg @standin', function () {
  this.timeout(90000);
  let f: Fixture;
  let slow: Gateway;
  before(async function () {
    this.timeout(180000);
    f = await fixture();
    // phases long enough that a 0.5 s poller sees several statuses
    slow = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-img'),
      state: path.join(f.root, 'state-img.json'),
      delays: '0.6,0.6,0.6',
    });
  });

  const img = (args: string[], gw?: Gateway, user = f.user) => runAs(user, BIN.shifterimg, args, { env: f.env(gw) });

  it('pull without -v redraws one line per poll: \\r ESC[2K <time> Pulling Image: TYPE:TAG, status: WORD', () => {
    const r = img(['pull', 'docker:standin/busybox:latest'], slow);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.endsWith('\n'), 'a newline after the final status');
    assert.ok(!r.stdout.slice(0, -1).includes('\n'), 'no newline before the final status');
    const parts = r.stdout.slice(0, -1).split('\r\x1b[2K');
    assert.equal(parts[0], '', 'every line is preceded by \\r\\x1b[2K');
    const lines = parts.slice(1);
    assert.ok(lines.length >= 2, `several polls: ${JSON.stringify(r.stdout)}`);
    const re = new RegExp(`^${TS} Pulling Image: docker:standin/busybox:latest, status: ([A-Z]+)$`);
    const statuses = lines.map((l) => {
      const m = re.exec(l);
      assert.ok(m, `line format: ${JSON.stringify(l)}`);
      return m![1];
    });
    assert.equal(statuses[statuses.length - 1], 'READY');
    for (const s of statuses.slice(0, -1)) assert.ok(IN_FLIGHT.includes(s), s);
    assert.ok(statuses.includes('PULLING') || statuses.includes('CONVERSION'), statuses.join(','));
  });

  it('pull -v prints each poll on its own line, followed by a "Message: {json}" line', () => {
    const r = img(['-v', 'pull', 'standin/other:1.0'], slow);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes('\r'), 'no redraw with -v');
    assert.ok(r.stdout.endsWith(', status: READY\n\n'), JSON.stringify(r.stdout.slice(-60)));
    const lines = r.stdout.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.pop(), '');
    assert.match(lines[0], /^Message: \{/, 'the first POST prints its Message');
    const pulling = new RegExp(`^${TS} Pulling Image: docker:standin/other:1.0, status: [A-Z]+$`);
    let polls = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].startsWith('Message: ')) {
        const j = JSON.parse(lines[i].slice('Message: '.length));
        assert.equal(typeof j.status, 'string');
        continue;
      }
      assert.match(lines[i], pulling);
      polls++;
      if (i < lines.length - 1) assert.match(lines[i + 1], /^Message: \{/, 'a poll line is followed by a Message line');
    }
    assert.ok(polls >= 2, `polls: ${polls}`);
  });

  it('pull ends with FAILURE for an image the registry lacks, and still exits 0', () => {
    const r = img(['pull', 'standin/not-in-registry:1'], slow);
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`\\r\\x1b\\[2K${TS} Pulling Image: docker:standin/not-in-registry:1, status: FAILURE\\n$`));
  });

  it('images prints printf("%-10s %-10s %-8s %-.10s   %s %-30s\\n") lines sorted by tag', async () => {
    await pullAndWait(f.gateway, 'standin/busybox:latest');
    await pullAndWait(f.gateway, 'standin/other:1.0');
    const r = img(['images']);
    assert.equal(r.status, 0, r.stderr);
    const list = (
      await httpRequest(`${f.gateway.url}/api/list/sfcluster/`, 'GET', undefined, { authentication: `plain:${f.user.uid}:${f.user.gid}` })
    ).json.list;
    const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
    const two = (n: number) => String(n).padStart(2, '0');
    const expected: string[] = [];
    const rows: Array<[string, any]> = [];
    for (const rec of list) for (const t of rec.tag) rows.push([t, rec]);
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [t, rec] of rows) {
      const d = new Date(Math.trunc(rec.last_pull) * 1000);
      const time = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
      expected.push(`${pad(rec.system, 10)} ${pad(rec.itype, 10)} ${pad(rec.status, 8)} ${rec.id.slice(0, 10)}   ${time} ${pad(t, 30)}`);
    }
    assert.deepEqual(r.stdout.split('\n').slice(0, -1), expected);
    assert.match(r.stdout, /^sfcluster  docker     READY    [0-9a-f]{10}   /m);
    assert.ok(r.stdout.includes(`${pad('standin/busybox:latest', 30)}\n`));
  });

  it('images exits 1 when there is nothing to list', async () => {
    const empty = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-empty'),
      state: path.join(f.root, 'state-empty.json'),
    });
    const r = img(['images'], empty);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    await empty.stop();
  });

  it('lookup prints the id alone (exit 0), or nothing with exit 1 when unknown; TYPE defaults to docker', async () => {
    const rec = await pullAndWait(f.gateway, 'standin/busybox:latest');
    for (const ref of ['docker:standin/busybox:latest', 'standin/busybox:latest', 'standin/busybox', 'docker:standin/busybox']) {
      const r = img(['lookup', ref]);
      assert.equal(r.status, 0, `${ref}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, `${rec.id}\n`);
    }
    const u = img(['lookup', 'standin/unknown-image:3']);
    assert.equal(u.status, 1);
    assert.equal(u.stdout, '');
    const v = img(['-v', 'lookup', 'standin/unknown-image:3']);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /^Got response: 404\nMessage: /);
  });

  it('reports "ERROR: failed to contact the image gateway." and exits 1 when the gateway is down', async () => {
    const port = await freePort();
    for (const args of [['lookup', 'standin/busybox'], ['images'], ['pull', 'standin/busybox']]) {
      const r = runAs(f.user, BIN.shifterimg, args, { env: { ...f.env(), SHIFTER_STANDIN_GATEWAY_URL: `http://127.0.0.1:${port}` } });
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stdout, 'ERROR: failed to contact the image gateway.\n');
    }
  });

  it('--user= makes a private image: only the listed users (and the puller) can look it up', async () => {
    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-cliacl'),
      state: path.join(f.root, 'state-cliacl.json'),
    });
    const r = img([`--user=${f.user.name}`, 'pull', 'standin/busybox:v2'], gw);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /status: READY\n$/);
    assert.equal(img(['lookup', 'standin/busybox:v2'], gw).status, 0);
    assert.equal(img(['lookup', 'standin/busybox:v2'], gw, f.other).status, 1, 'another user cannot see it');
    assert.ok(!img(['images'], gw, f.other).stdout.includes('standin/busybox:v2'));
    const g = img([`--group=${f.other.gid}`, 'pull', 'standin/other:1.0'], gw);
    assert.equal(g.status, 0);
    assert.equal(img(['lookup', 'standin/other:1.0'], gw, f.other).status, 0, 'the group may');
    await gw.stop();
  });

  it('the short -u/-g options do not work (broken in 22.02): use --user=/--group=', () => {
    const r = img(['-u', f.user.name, 'pull', 'standin/busybox']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid option -- 'u'/);
  });

  it('an unknown mode is an error', () => {
    const r = img(['frobnicate']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Invalid mode specified/);
  });
});
