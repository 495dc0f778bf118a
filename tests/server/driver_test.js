// `kg serve` through the official Neo4j JavaScript driver (neo4j-driver
// from the npm registry). Usage: node driver_test.js PORT SERVER_PID
// Exits 1 on the first failed check, naming it.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const neo4j = require('neo4j-driver');

const port = process.argv[2];
const serverPid = process.argv[3];
const url = `bolt://127.0.0.1:${port}`;
const auth = neo4j.auth.basic('neo', 'secret');

let failures = 0;
function check(ok, what, detail) {
  if (ok) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
  }
}

function serverPeakKiB() {
  const status = fs.readFileSync(`/proc/${serverPid}/status`, 'utf8');
  return parseInt(/VmHWM:\s+(\d+)/.exec(status)[1], 10);
}

async function main() {
  const driver = neo4j.driver(url, auth, { disableLosslessIntegers: false });
  try {
    // Connectivity.
    const info = await driver.getServerInfo();
    check(info.protocolVersion.major === 5, 'connects over Bolt 5', info.protocolVersion);

    // Parameters of every type come back as they went.
    const params = {
      nothing: null, yes: true, no: false, small: neo4j.int(42), big: neo4j.int('9007199254740993'),
      negative: neo4j.int(-129), pi: 3.25, text: 'Zhenxiong 镇雄县 ✓', empty: '',
      list: [neo4j.int(1), 'two', 3.5, null, [true]], map: { a: neo4j.int(1), nested: { b: ['c'] } },
    };
    let session = driver.session();
    let r = await session.run(
      'RETURN $nothing AS nothing, $yes AS yes, $no AS no, $small AS small, $big AS big, $negative AS negative, ' +
        '$pi AS pi, $text AS text, $empty AS empty, $list AS list, $map AS map', params);
    const got = r.records[0];
    for (const key of Object.keys(params)) {
      const back = got.get(key);
      const same = JSON.stringify(back, (k, v) => (neo4j.isInt(v) ? `int:${v.toString()}` : v)) ===
        JSON.stringify(params[key], (k, v) => (neo4j.isInt(v) ? `int:${v.toString()}` : v));
      check(same, `parameter ${key} round-trips`, { sent: String(params[key]), got: String(back) });
    }

    // Temporal values both ways: the driver's types as parameters, kg's values as results.
    const sent = {
      d: new neo4j.types.Date(2021, 3, 1),
      lt: new neo4j.types.LocalTime(9, 30, 15, 5000),
      t: new neo4j.types.Time(9, 30, 0, 0, 3600),
      ldt: new neo4j.types.LocalDateTime(2021, 2, 28, 18, 52, 0, 0),
      odt: new neo4j.types.DateTime(2021, 3, 1, 9, 0, 0, 0, 28800),
      zdt: new neo4j.types.DateTime(2021, 2, 25, 9, 30, 0, 0, undefined, 'Asia/Shanghai'),
      dur: new neo4j.types.Duration(14, 3, 7200, 1),
    };
    r = await session.run(
      'RETURN $d AS d, $lt AS lt, $t AS t, $ldt AS ldt, $odt AS odt, $zdt AS zdt, $dur AS dur, ' +
        'toString($zdt) AS zdt_text, $zdt.epochSeconds AS epoch, $d + duration({days: 1}) AS next', sent);
    const tg = r.records[0];
    for (const key of Object.keys(sent).filter(k => k !== 'zdt'))
      check(tg.get(key).toString() === sent[key].toString(), `temporal parameter ${key} round-trips`,
        { sent: sent[key].toString(), got: String(tg.get(key)) });
    // Sent with a zone and no offset, it comes back with both.
    const zdt = tg.get('zdt');
    check(zdt.timeZoneId === 'Asia/Shanghai' && zdt.timeZoneOffsetSeconds.toNumber() === 28800 &&
          zdt.day.toNumber() === 25 && zdt.hour.toNumber() === 9 && zdt.minute.toNumber() === 30,
      'temporal parameter zdt round-trips', String(zdt));
    check(tg.get('zdt_text') === '2021-02-25T09:30+08:00[Asia/Shanghai]', 'a zoned date time is read in its zone',
      tg.get('zdt_text'));
    check(tg.get('epoch').toNumber() === 1614216600, 'at the right instant', String(tg.get('epoch')));
    check(neo4j.isDate(tg.get('next')) && tg.get('next').toString() === '2021-03-02', 'kg returns a driver Date',
      String(tg.get('next')));
    r = await session.run(
      "RETURN datetime('2021-03-01T09:00[Europe/Berlin]') AS z, duration('P1Y2M3DT4H') AS dur, localtime('23:59') AS lt");
    const z = r.records[0].get('z');
    check(neo4j.isDateTime(z) && z.timeZoneId === 'Europe/Berlin' && z.hour.toNumber() === 9 &&
          z.timeZoneOffsetSeconds.toNumber() === 3600, 'a zoned date time arrives with its zone and offset', String(z));
    const dur = r.records[0].get('dur');
    check(neo4j.isDuration(dur) && dur.months.toNumber() === 14 && dur.days.toNumber() === 3 &&
          dur.seconds.toNumber() === 14400, 'a duration arrives in months, days and seconds', String(dur));

    // Nodes, relationships and paths with their labels, types and properties.
    r = await session.run(
      "CREATE p = (a:County:Place {name: 'Zhenxiong', code: 530627})-[:LOCATED_IN {since: 1950}]->" +
        "(b:Prefecture {name: 'Zhaotong'}) RETURN a, b, p");
    const a = r.records[0].get('a');
    check(a.labels.sort().join(',') === 'County,Place' && a.properties.name === 'Zhenxiong' &&
          a.properties.code.toNumber() === 530627, 'a node with its labels and properties', a);
    check(typeof a.elementId === 'string' && a.elementId.length > 0, 'a node has an element id', a.elementId);
    const p = r.records[0].get('p');
    check(p.length === 1 && p.start.properties.name === 'Zhenxiong' && p.end.properties.name === 'Zhaotong' &&
          p.segments[0].relationship.type === 'LOCATED_IN' &&
          p.segments[0].relationship.properties.since.toNumber() === 1950, 'a path with its relationship', p);
    check(r.summary.counters.updates().nodesCreated === 2 && r.summary.counters.updates().relationshipsCreated === 1,
      'the summary counts the writes', r.summary.counters.updates());
    r = await session.run("MATCH p = (b:Prefecture)<-[r:LOCATED_IN]-(a) RETURN p, r");
    const back = r.records[0].get('p');
    const rel = r.records[0].get('r');
    check(back.start.properties.name === 'Zhaotong' && back.end.properties.name === 'Zhenxiong' &&
          back.segments[0].relationship.start.equals(rel.start) && rel.startNodeElementId === a.elementId,
      'a path against a relationship\'s direction keeps its ends', back);
    await session.close();

    // An explicit transaction rolled back leaves nothing.
    session = driver.session();
    let tx = session.beginTransaction();
    await tx.run("CREATE (:Ghost {n: 1})");
    r = await tx.run('MATCH (g:Ghost) RETURN count(g) AS c');
    check(r.records[0].get('c').toNumber() === 1, 'a transaction sees its own write');
    await tx.rollback();
    r = await session.run('MATCH (g:Ghost) RETURN count(g) AS c');
    check(r.records[0].get('c').toNumber() === 0, 'a rolled-back transaction leaves nothing');
    await session.close();

    // A committed one is visible in another session through its bookmark.
    const writer = driver.session();
    tx = writer.beginTransaction();
    await tx.run("CREATE (:Fact {id: 'bookmarked'})");
    await tx.commit();
    const bookmarks = writer.lastBookmarks();
    await writer.close();
    check(bookmarks.length === 1, 'a commit returns a bookmark', bookmarks);
    const reader = driver.session({ bookmarks });
    r = await reader.run("MATCH (f:Fact {id: 'bookmarked'}) RETURN count(f) AS c");
    check(r.records[0].get('c').toNumber() === 1, 'a session with the bookmark sees the commit');
    await reader.close();

    // A syntax error with its code and position.
    session = driver.session();
    try {
      await session.run('MATCH (n)\nRETURN m');
      check(false, 'a syntax error fails');
    } catch (e) {
      check(e.code === 'Neo.ClientError.Statement.SyntaxError', 'a syntax error has its Neo4j code', e.code);
      check(/line 2, column 8/.test(e.message), 'a syntax error names its line and column', e.message);
    }
    // The session is usable after the failure.
    r = await session.run('RETURN 1 AS one');
    check(r.records[0].get('one').toNumber() === 1, 'a session works after a failure');
    await session.close();

    // Eight sessions at once, reads and writes, nothing lost.
    await driver.executeQuery("CREATE (:Counter {n: 0})");
    const perSession = 20;
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const s = driver.session();
      for (let k = 0; k < perSession; k++) {
        await s.executeWrite(t => t.run('MATCH (c:Counter) SET c.n = c.n + 1'));
        await s.executeWrite(t => t.run('CREATE (:Item {session: $i, k: $k})', { i, k }));
        await s.executeRead(t => t.run('MATCH (x:Item) RETURN count(x) AS c'));
      }
      await s.close();
    }));
    r = await driver.executeQuery('MATCH (c:Counter) RETURN c.n AS n');
    check(r.records[0].get('n').toNumber() === 8 * perSession, 'eight sessions: the counter is exact',
      r.records[0].get('n').toNumber());
    r = await driver.executeQuery('MATCH (x:Item) RETURN count(x) AS c');
    check(r.records[0].get('c').toNumber() === 8 * perSession, 'eight sessions: every write is there');

    // 100,000 rows streamed, the server's memory bounded.
    const before = serverPeakKiB();
    session = driver.session({ fetchSize: 1000 });
    let rows = 0;
    let sum = 0;
    await new Promise((resolve, reject) => {
      session.run("UNWIND range(1, 100000) AS i RETURN i, 'row ' + toString(i) + ' " + 'x'.repeat(1000) + "' AS pad")
        .subscribe({
          onNext: rec => { rows++; sum += rec.get('i').toNumber(); },
          onCompleted: resolve,
          onError: reject,
        });
    });
    await session.close();
    const grown = serverPeakKiB() - before;
    check(rows === 100000 && sum === 5000050000, 'a 100,000-row result streams whole', { rows, sum });
    // Held at once the rows would take over 100 MB. Under AddressSanitizer
    // freed memory waits in a quarantine, so the peak says nothing there.
    if (process.env.ASAN_OPTIONS !== undefined) {
      console.log(`skip streaming keeps the server's memory bounded: a sanitizer build (peak grew ${grown} KiB)`);
    } else {
      check(grown < 60 * 1024, `streaming keeps the server's memory bounded (peak grew ${grown} KiB)`,
        { grown_kib: grown });
    }

    // A client killed in the middle of a stream leaves the server serving.
    const child = spawn(process.execPath, ['-e', `
      const neo4j = require('neo4j-driver');
      const d = neo4j.driver('${url}', neo4j.auth.basic('neo', 'secret'));
      const s = d.session({ fetchSize: 10 });
      s.run('UNWIND range(1, 1000000) AS i RETURN i').subscribe({ onNext: () => { console.log('streaming'); } });
    `], { cwd: __dirname, env: { ...process.env, NODE_PATH: process.env.NODE_PATH || '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise(resolve => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise(resolve => child.on('exit', resolve));
    r = await driver.executeQuery('RETURN 2 AS two');
    check(r.records[0].get('two').toNumber() === 2, 'the server serves after a client died mid-stream');
  } finally {
    await driver.close();
  }

  // Wrong credentials are refused.
  const wrong = neo4j.driver(url, neo4j.auth.basic('neo', 'wrong'));
  try {
    await wrong.executeQuery('RETURN 1');
    check(false, 'wrong credentials are refused');
  } catch (e) {
    check(e.code === 'Neo.ClientError.Security.Unauthorized', 'wrong credentials are refused', e.code);
  } finally {
    await wrong.close();
  }
}

main().then(
  () => process.exit(failures ? 1 : 0),
  e => { console.log('FAIL unexpected error:', e); process.exit(1); });
