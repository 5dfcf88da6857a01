import { createHash } from 'node:crypto';
import { DomainError } from '../../../../domain/errors.ts';
import type { Tag, TaggedType } from '../../../../domain/model.ts';
import type { Catalogue, Region } from '../../../../domain/regions.ts';

// The tag service's names for resources (service type, resource prefix, six-segment description)
// read into domain terms, and its TagResource structure.

/**
 * Where each kind of tagged resource sits in the tag service's names: its service type and
 * resource prefix (`qcs::vpc:ap-guangzhou:uin/:subnet/subnet-…`), and the shape of its ids.
 * Security groups are under cvm, as Terraform names them; vpc is accepted for them too.
 */
export const TAG_RESOURCES: ReadonlyArray<{ service: string; prefix: string; type: TaggedType; id: RegExp }> = [
  { service: 'vpc', prefix: 'vpc', type: 'vpc', id: /^vpc-[a-z0-9]{8}$/ },
  { service: 'vpc', prefix: 'subnet', type: 'subnet', id: /^subnet-[a-z0-9]{8}$/ },
  { service: 'vpc', prefix: 'eni', type: 'eni', id: /^eni-[a-z0-9]{8}$/ },
  { service: 'cvm', prefix: 'sg', type: 'securityGroup', id: /^sg-[a-z0-9]{8}$/ },
  { service: 'vpc', prefix: 'sg', type: 'securityGroup', id: /^sg-[a-z0-9]{8}$/ },
  { service: 'cvm', prefix: 'instance', type: 'instance', id: /^ins-[a-z0-9]{8}$/ },
];

export const TAG_SERVICES = [...new Set(TAG_RESOURCES.map((r) => r.service))];

const refuse = (param: string, what: string, reason: 'range' | 'malformed' | 'empty') =>
  new DomainError('invalidValue', `parameter ${param} ${what}`, { param, reason });

/** The kind of resource a service type and prefix name; each unknown part is refused by name. */
export function kindOf(service: string, prefix: string): { type: TaggedType; id: RegExp } {
  if (!TAG_SERVICES.includes(service)) {
    throw refuse('ServiceType', `names no service with taggable resources here (${TAG_SERVICES.join(', ')})`, 'range');
  }
  const hit = TAG_RESOURCES.find((r) => r.service === service && r.prefix === prefix);
  if (!hit) {
    const prefixes = TAG_RESOURCES.filter((r) => r.service === service).map((r) => r.prefix);
    throw refuse('ResourcePrefix', `names no resource of ${service} here (${prefixes.join(', ')})`, 'range');
  }
  return hit;
}

/** A region of the catalogue (long or short name); the tag service's parameter names it. */
export function regionOf(catalogue: Catalogue, name: string, param: string): Region {
  const region = catalogue.region(name);
  if (!region) throw refuse(param, `names no region offered here: ${JSON.stringify(name.slice(0, 64))}`, 'range');
  return region;
}

/**
 * A six-segment resource description, `qcs:<project>:<service>:<region>:<uin/account>:<prefix>/<id>`
 * (Terraform writes `qcs::vpc:ap-guangzhou:uin/:subnet/subnet-…`). The project and account segments
 * are not checked: resources here belong to the caller's account, whatever its uin.
 */
export function parseResource(catalogue: Catalogue, text: string): { type: TaggedType; region: Region; id: string } {
  const bad = (why: string) => refuse('Resource', `${why}: ${JSON.stringify(text.slice(0, 200))}`, 'malformed');
  const m = /^qcs:[^:]*:([^:]+):([^:]*):[^:]*:([^:/]+)\/([^:/]+)$/.exec(text);
  if (!m) throw bad('is not qcs:<project>:<service>:<region>:<account>:<prefix>/<id>');
  const [, service, regionName, prefix, id] = m as unknown as [string, string, string, string, string];
  const hit = TAG_RESOURCES.find((r) => r.service === service && r.prefix === prefix);
  if (!hit)
    throw bad(`names no taggable resource here (${TAG_RESOURCES.map((r) => `${r.service}:${r.prefix}`).join(', ')})`);
  const region = catalogue.region(regionName);
  if (!region) throw bad(`names no region offered here (${regionName})`);
  if (!hit.id.test(id)) throw bad(`has no ${prefix} id`);
  return { type: hit.type, region, id };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** TagResource: every field of the model (Terraform dereferences ResourceId, TagKey, TagValue). */
export function tagResourceToWire(resourceId: string, tag: Tag, serviceType: string) {
  return {
    TagKey: tag.key,
    TagValue: tag.value,
    ResourceId: resourceId,
    TagKeyMd5: md5(tag.key),
    TagValueMd5: md5(tag.value),
    ServiceType: serviceType,
    Category: 'Custom',
  };
}
