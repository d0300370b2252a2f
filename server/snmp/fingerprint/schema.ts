/**
 * Schema of data/snmp/os/<os-id>.yaml (style.md §3.4, shape after LibreNMS os_detection/os_discovery):
 * how to recognise an OS family (match), where its version/model/serial live (extract), which version scheme
 * orders its versions and which CPE names it, and real recordings that prove it (examples).
 * Validated with zod when Vigie starts and in tests; an invalid file stops start-up with its path and field.
 */
import { z } from 'zod';

const numericOid = z.string().regex(/^\d+(\.\d+)+$/, 'a numeric OID without leading dot, e.g. 1.3.6.1.4.1.9.1');

/** A pattern on a string: substring (case-insensitive) or a regex (compiled at load). */
const StringTest = z
  .object({ contains: z.string().min(1).optional(), regex: z.string().min(1).optional() })
  .strict()
  .refine((t) => (t.contains === undefined) !== (t.regex === undefined), 'give exactly one of contains / regex');

export const DeviceType = z.enum(['switch', 'router', 'firewall', 'printer', 'ups', 'pdu', 'server', 'wireless', 'storage', 'loadbalancer', 'management', 'other']);
export type DeviceType = z.infer<typeof DeviceType>;

const MatchItem = z
  .object({
    /** sysObjectID equal to, or under (sub-identifier boundary), one of these. */
    sysObjectID: z.array(numericOid).min(1).optional(),
    sysDescr: StringTest.optional(),
    /**
     * A value fetched in the same first GET as the system group (never an extra round trip): for OSes that share
     * net-snmp's generic sysObjectID and say nothing in sysDescr (Synology DSM, Check Point on old boxes).
     */
    probe: z.object({ oid: numericOid, regex: z.string().optional() }).strict().optional(),
    except: z.object({ sysDescr: StringTest }).strict().optional(),
    /**
     * Only for agents' reports (engine.detectReported), which carry no sysObjectID and often no sysDescr: the
     * firmware the agent sent (GLPI network_device.firmware, FusionInventory INFO/FIRMWARE) or one of the models it
     * sent (its own name, the chassis component's) has a shape that only this definition's OS uses. An item with
     * either never holds in Vigie's own scans (the sysObjectID and sysDescr decide there), and needs a sysObjectID:
     * the reported manufacturer must be this vendor for the shape to mean anything.
     */
    reportedFirmware: StringTest.optional(),
    reportedModel: StringTest.optional(),
  })
  .strict()
  .refine((m) => m.sysObjectID || m.sysDescr || m.probe, 'a match item needs sysObjectID, sysDescr or probe')
  .refine((m) => !(m.reportedFirmware || m.reportedModel) || m.sysObjectID, 'reportedFirmware / reportedModel need a sysObjectID (the vendor whose shape it is)');

/** Entity chassis row fields (ENTITY-MIB entPhysicalTable, RFC 6933). */
export const EntityField = z.enum(['descr', 'name', 'hardwareRev', 'firmwareRev', 'softwareRev', 'serial', 'mfgName', 'modelName']);
export type EntityField = z.infer<typeof EntityField>;

/**
 * One place a value may come from; the first non-empty one wins. `regex` must name a group after the field
 * (`(?<version>…)`) unless `template` combines named groups (`{major}.{minor}`).
 */
const Source = z
  .object({
    oid: numericOid.optional(),
    sysDescr: z.literal(true).optional(),
    /** The chassis row of entPhysicalTable (class chassis, else stack, else the lowest index). */
    entity: EntityField.optional(),
    /** First value under this subtree the regex matches (hrSWInstalledName, per-unit tables). */
    walk: numericOid.optional(),
    /** sysObjectID → name table (CISCO-PRODUCTS-MIB names and the like, only the ones we have seen). */
    sysObjectIDMap: z.record(numericOid, z.string().min(1)).optional(),
    /** A fixed value (a virtual appliance that never reports its model). */
    value: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    template: z.string().min(1).optional(),
    /** Values that mean "unknown" for this source (placeholder serials and such). */
    ignore: z.array(z.string()).optional(),
  })
  .strict()
  .refine((s) => [s.oid, s.sysDescr, s.entity, s.walk, s.sysObjectIDMap, s.value].filter((x) => x !== undefined).length === 1, 'give exactly one of oid / sysDescr / entity / walk / sysObjectIDMap / value');
export type Source = z.infer<typeof Source>;

const Sources = z.array(Source).min(1);

export const OsDefinition = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    vendor: z.string().min(1),
    os: z.string().min(1),
    type: DeviceType,
    /** Device type from sysDescr/sysObjectID when one OS spans several kinds (first match wins). */
    types: z.array(z.object({ type: DeviceType, sysDescr: StringTest.optional(), sysObjectID: z.array(numericOid).optional() }).strict()).optional(),
    versionScheme: z.string().min(1),
    /** CPE 2.3 formatted string with {version} (and optionally {model}) placeholders. */
    cpe: z.string().regex(/^cpe:2\.3:[aoh]:[^:]+:[^:]+:\{version\}(:[^:]*){7}$/, 'cpe:2.3:<part>:<vendor>:<product>:{version}:… (13 fields)'),
    /** Reason required (style.md §3.4): a priority overrides specificity. */
    priority: z.number().int().optional(),
    match: z.array(MatchItem).min(1),
    extract: z
      .object({ version: Sources.optional(), model: Sources.optional(), serial: Sources.optional(), features: Sources.optional() })
      .strict()
      .default({}),
    /** Turn off the generic fallback (entity chassis model/serial) when it gives wrong answers for this OS. */
    genericFallback: z.boolean().default(true),
    examples: z
      .array(
        z
          .object({
            capture: z.string().regex(/^[A-Za-z0-9_.+@-]+$/),
            expect: z.object({ version: z.string().optional(), model: z.string().optional(), serial: z.string().optional() }).strict().default({}),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type OsDefinition = z.infer<typeof OsDefinition>;

export const EnterpriseTable = z.record(z.string().regex(/^\d+$/), z.string().min(1));
