import type { Catalogue } from '../../../../domain/regions.ts';
import type { Subnet } from '../../../../domain/model.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { mainRouteTableId } from '../../../../domain/vpc.service.ts';
import { list, object, str, type Field } from '../../schema.ts';

/** `subnetSet.N.{subnetName,cidrBlock,zoneId}`, shared by CreateVpc and CreateSubnet. */
export function subnetSetParam(min: number): Field<Array<{ subnetName: string; cidrBlock: string; zoneId: string }>> {
  return list(
    object({
      subnetName: str({ max: 60, invalid: 'invalidSubnetName' }).required(),
      cidrBlock: str({ max: 18 }).required(),
      zoneId: str({ max: 64 }).required(),
    }),
    { min, max: 100 },
  );
}

/** The VPC's default route table (the domain derives its id from the VPC's). */
export const defaultRouteTableId = mainRouteTableId;

export function subnetToWire(s: Subnet, catalogue: Catalogue) {
  return {
    vpcId: s.vpcId,
    unVpcId: s.vpcId,
    subnetId: s.id,
    unSubnetId: s.id,
    subnetName: s.name,
    cidrBlock: s.cidr,
    zoneId: s.zoneId,
    zone: catalogue.zoneById(s.zoneId)?.name ?? '',
    routeTableId: defaultRouteTableId(s.vpcId),
    unRouteTableId: defaultRouteTableId(s.vpcId),
    subnetCreateTime: beijingTime(s.createdAt),
  };
}
