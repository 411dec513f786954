import { describe, expect, test } from 'vitest';
import { parseDeviceList } from '../../electron/station/import/index.ts';
import { certificateBody } from '../../electron/station/import/credentials.ts';
import { normalizeMac } from '../../electron/station/import/mac.ts';

const csv = (text: string) => parseDeviceList(text, 'csv');
const problems = (text: string) => csv(text).problems;

const certBody = 'MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGVGb3JUZXN0aW5nMA0GCSqGSIb3DQEBCwUA';
const pem = `-----BEGIN CERTIFICATE-----\n${certBody.slice(0, 32)}\n${certBody.slice(32)}\n-----END CERTIFICATE-----`;
const macHint =
  'expected 6 pairs of hex digits like AA:BB:CC:DD:EE:FF (AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF and AABBCCDDEEFF also work)';

describe('name', () => {
  test('empty (or only spaces) is a problem', () => {
    expect(problems('name,serial\n,S1\n  ,S2\n')).toEqual([
      { line: 2, column: 'name', message: 'name is empty' },
      { line: 3, column: 'name', message: 'name is empty' },
    ]);
  });

  test('is trimmed', () => {
    expect(csv('name\n  Pump 1  \n').rows[0]?.name).toBe('Pump 1');
  });

  test('a duplicate is reported on the later line, pointing at the first; the first row is kept', () => {
    const result = csv('name\nPump-1\nPump-2\nPump-1\nPump-1\n');
    expect(result.problems).toEqual([
      { line: 4, column: 'name', message: "name 'Pump-1' also appears on line 2", value: 'Pump-1' },
      { line: 5, column: 'name', message: "name 'Pump-1' also appears on line 2", value: 'Pump-1' },
    ]);
    expect(result.rows.map((r) => r.line)).toEqual([2, 3]);
  });

  test('names differing only in case are different devices, as in ThingsBoard', () => {
    expect(problems('name\nPump-1\npump-1\n')).toEqual([]);
  });

  test('longer than 255 characters is a problem', () => {
    const long = 'x'.repeat(256);
    expect(problems(`name\n${'y'.repeat(255)}\n${long}\n`)).toEqual([
      { line: 3, column: 'name', message: 'name is 256 characters long; the limit is 255', value: long },
    ]);
  });

  test('a control character is a problem that says which and where', () => {
    expect(problems('name\n"Pump\t1"\n"Pump\u00002"\n')).toEqual([
      { line: 2, column: 'name', message: 'name contains a control character (tab) at character 5', value: 'Pump\t1' },
      {
        line: 3,
        column: 'name',
        message: 'name contains a control character (U+0000) at character 5',
        value: 'Pump\u00002',
      },
    ]);
  });

  test('a line break inside a quoted name is reported at the line the record starts; the next row keeps its line', () => {
    const result = csv('name,mac\n"Pump\r\n1",\nPump-2,zz\n');
    expect(result.problems).toEqual([
      {
        line: 2,
        column: 'name',
        message: 'name contains a control character (line break) at character 5',
        value: 'Pump\r\n1',
      },
      { line: 4, column: 'mac', message: `mac 'zz' is not a MAC address; ${macHint}`, value: 'zz' },
    ]);
  });
});

describe('serial, label and attributes', () => {
  test('too long or with control characters is a problem', () => {
    const long = 's'.repeat(256);
    expect(problems(`name,serial,label,attr:note\nA,${long},"x\ny",${'n'.repeat(4097)}\n`)).toEqual([
      { line: 2, column: 'serial', message: 'serial is 256 characters long; the limit is 255', value: long },
      {
        line: 2,
        column: 'label',
        message: 'label contains a control character (line break) at character 2',
        value: 'x\ny',
      },
      { line: 2, column: 'attr:note', message: 'attr:note is 4097 characters long; the limit is 4096' },
    ]);
  });

  test('attribute values may span lines; empty attribute cells set nothing', () => {
    expect(csv('name,attr:note,attr:floor\nA,"two\nlines",\n').rows[0]?.attributes).toEqual({ note: 'two\nlines' });
  });
});

describe('mac', () => {
  test.each([
    ['AA:BB:CC:DD:EE:FF', 'AA:BB:CC:DD:EE:FF'],
    ['aa:bb:cc:dd:ee:0f', 'AA:BB:CC:DD:EE:0F'],
    ['aa-bb-cc-dd-ee-ff', 'AA:BB:CC:DD:EE:FF'],
    ['aabb.ccdd.eeff', 'AA:BB:CC:DD:EE:FF'],
    ['AABBCCDDEEFF', 'AA:BB:CC:DD:EE:FF'],
    ['AA:BB-CC:DD:EE:FF', null],
    ['AA:BB:CC:DD:EE', null],
    ['AA:BB:CC:DD:EE:FF:00', null],
    ['GG:BB:CC:DD:EE:FF', null],
    ['AABB.CCDDEEFF', null],
    ['A:B:C:D:E:F', null],
  ])('%s -> %s', (input, normalized) => {
    expect(normalizeMac(input)).toBe(normalized);
  });

  test('is normalised to upper-case colon form in rows', () => {
    expect(csv('name,mac\nA, aabb.ccdd.eeff \n').rows[0]?.mac).toBe('AA:BB:CC:DD:EE:FF');
  });

  test('a malformed MAC is a problem with the expected format', () => {
    expect(problems('name,mac\nA,AA:BB:CC:DD:EE\n')).toEqual([
      {
        line: 2,
        column: 'mac',
        message: `mac 'AA:BB:CC:DD:EE' is not a MAC address; ${macHint}`,
        value: 'AA:BB:CC:DD:EE',
      },
    ]);
  });

  test('the same MAC in two notations is a duplicate', () => {
    expect(problems('name,mac\nA,aa-bb-cc-dd-ee-ff\nB,AABBCCDDEEFF\n')).toEqual([
      { line: 3, column: 'mac', message: "mac 'AA:BB:CC:DD:EE:FF' also appears on line 2", value: 'AA:BB:CC:DD:EE:FF' },
    ]);
  });
});

describe('credentials', () => {
  const header = 'name,token,clientId,username,password,certificate\n';

  test('the type follows from the filled columns', () => {
    const result = csv(
      `${header}A,tok1,,,,\nB,,c1,u1,p1,\nC,,,u2,,\nD,,c3,,,\nE,,,,,"${pem}"\nF,,,,,testHash\nG,,,,,\n`,
    );
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.credentials)).toEqual([
      { type: 'ACCESS_TOKEN', token: 'tok1' },
      { type: 'MQTT_BASIC', clientId: 'c1', username: 'u1', password: 'p1' },
      { type: 'MQTT_BASIC', username: 'u2' },
      { type: 'MQTT_BASIC', clientId: 'c3' },
      { type: 'X509_CERTIFICATE', certificate: pem },
      { type: 'X509_CERTIFICATE', certificate: 'testHash' },
      undefined,
    ]);
    expect('credentials' in result.rows[6]!).toBe(false);
  });

  test('a password is kept verbatim, other credentials are trimmed', () => {
    expect(csv(`${header}A,, c1 , u1 , p 1 ,\n`).rows[0]?.credentials).toEqual({
      type: 'MQTT_BASIC',
      clientId: 'c1',
      username: 'u1',
      password: ' p 1 ',
    });
  });

  test('columns of more than one type on a row are ambiguous', () => {
    expect(problems(`${header}A,t,,u,,\nB,t,c,,,${certBody}\nC,,,,p,${certBody}\n`)).toEqual([
      { line: 2, column: null, message: 'credentials type ambiguous: token and username both given' },
      { line: 3, column: null, message: 'credentials type ambiguous: token, clientId and certificate all given' },
      { line: 4, column: null, message: 'credentials type ambiguous: password and certificate both given' },
    ]);
  });

  test('a password needs a username', () => {
    expect(problems(`${header}A,,,,secret,\nB,,c1,,secret,\n`)).toEqual([
      {
        line: 2,
        column: 'password',
        message: 'password is given without a clientId or username; MQTT_BASIC needs a username to go with a password',
      },
      {
        line: 3,
        column: 'password',
        message: 'password is given with a clientId but no username; MQTT_BASIC needs a username to go with a password',
      },
    ]);
  });

  test('a certificate must be a PEM certificate or a base64 body', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    expect(problems(`${header}A,,,,,not a cert!\nB,,,,,"${key}"\nC,,,,,"-----BEGIN CERTIFICATE-----\nAAAA"\n`)).toEqual(
      [
        {
          line: 2,
          column: 'certificate',
          message: 'certificate is neither a PEM block (-----BEGIN CERTIFICATE----- …) nor a base64 body',
        },
        {
          line: 3,
          column: 'certificate',
          message: 'certificate holds a PRIVATE KEY block; only CERTIFICATE blocks belong here',
        },
        {
          line: 6,
          column: 'certificate',
          message: 'certificate has a -----BEGIN line without its matching -----END line',
        },
      ],
    );
  });

  test('certificateBody accepts chains and rejects junk around or inside the blocks', () => {
    expect(certificateBody(`${pem}\n${pem}\n`)).toBe(certBody + certBody);
    expect(certificateBody('testHash')).toBe('testHash');
    expect(certificateBody(`junk\n${pem}`)).toEqual({
      problem: 'certificate has text outside its -----BEGIN CERTIFICATE----- / -----END CERTIFICATE----- lines',
    });
    expect(certificateBody('-----BEGIN CERTIFICATE-----\n$$$$\n-----END CERTIFICATE-----')).toEqual({
      problem: 'certificate has a PEM block whose content is not base64',
    });
  });

  test('credential values too long or with control characters are problems; passwords are never echoed', () => {
    const long = 't'.repeat(256);
    expect(problems(`${header}A,${long},,,,\nB,,"c\t1",u,${'p'.repeat(256)},\n`)).toEqual([
      { line: 2, column: 'token', message: 'token is 256 characters long; the limit is 255', value: long },
      {
        line: 3,
        column: 'clientId',
        message: 'clientId contains a control character (tab) at character 2',
        value: 'c\t1',
      },
      { line: 3, column: 'password', message: 'password is 256 characters long; the limit is 255' },
    ]);
  });

  test('a duplicate token is a problem on the later line', () => {
    expect(problems(`${header}A,tok,,,,\nB,tok2,,,,\nC,tok,,,,\n`)).toEqual([
      { line: 4, column: 'token', message: "token 'tok' also appears on line 2", value: 'tok' },
    ]);
  });

  test('a duplicate clientId/username pair is a problem on the later line; the same clientId with another username is not', () => {
    expect(
      problems(`${header}A,,c1,u1,p,\nB,,c1,u2,p,\nC,,c1,u1,q,\nD,,c9,,,\nE,,c9,,,\nF,,,u5,,\nG,,,u5,,\n`),
    ).toEqual([
      { line: 4, column: 'clientId', message: "clientId 'c1' with username 'u1' also appears on line 2", value: 'c1' },
      { line: 6, column: 'clientId', message: "clientId 'c9' (with no username) also appears on line 5", value: 'c9' },
      { line: 8, column: 'username', message: "username 'u5' (with no clientId) also appears on line 7", value: 'u5' },
    ]);
  });

  test('a token equal to a clientId-less username collides, as it does in ThingsBoard', () => {
    expect(problems(`${header}A,same,,,,\nB,,,same,,\n`)).toEqual([
      {
        line: 3,
        column: 'username',
        message:
          "username 'same' (with no clientId) is also used on line 2 as token 'same'; ThingsBoard identifies both by that value",
        value: 'same',
      },
    ]);
  });

  test('the same certificate twice, even formatted differently, is a problem', () => {
    expect(problems(`${header}A,,,,,"${pem}"\nB,,,,,${certBody}\n`)).toEqual([
      { line: 6, column: 'certificate', message: 'this certificate also appears on line 2' },
    ]);
  });
});

describe('a row with several problems', () => {
  test('reports each, in column order, and is left out of rows', () => {
    const result = csv('name,mac,token,username\n,zz,t,u\nOK,,,\n');
    expect(result.problems).toEqual([
      { line: 2, column: 'name', message: 'name is empty' },
      { line: 2, column: 'mac', message: `mac 'zz' is not a MAC address; ${macHint}`, value: 'zz' },
      { line: 2, column: null, message: 'credentials type ambiguous: token and username both given' },
    ]);
    expect(result.rows.map((r) => r.name)).toEqual(['OK']);
  });

  test('a malformed quoted value is a problem on its row', () => {
    expect(problems('name,label\n"Pump "A" 1",x\n')).toEqual([
      {
        line: 2,
        column: 'name',
        message: 'text follows the closing quote of this value; write a quote inside a quoted value as two quotes ("")',
        value: 'Pump A" 1"',
      },
    ]);
  });

  test('an unterminated quote is a problem at the line of the quote, naming its column', () => {
    const result = csv('name,label\nA,x\nB,"never closed\nC,y\n');
    expect(result.problems).toEqual([
      {
        line: 3,
        column: 'label',
        message:
          'a quoted value starts on this line but its closing quote (") is missing, so the rest of the file was read as one value',
      },
    ]);
    expect(result.rows.map((r) => r.name)).toEqual(['A']);
  });
});
