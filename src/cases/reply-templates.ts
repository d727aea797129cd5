// Reply templates (常用语): texts staff start a reply to a citizen from. A template belongs
// to one department or, with no department, to all. Department staff see their own and the
// city-wide ones; admins manage them.
import type { PrismaClient } from "../db/database.ts";

export interface ReplyTemplate {
  id: string;
  /** null: for every department. */
  departmentCode: string | null;
  title: string;
  text: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReplyTemplateInput {
  departmentCode?: string | null;
  title: string;
  text: string;
}

export class ReplyTemplateError extends Error {
  override name = "ReplyTemplateError";
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function checked(input: ReplyTemplateInput, departments: ReadonlySet<string>) {
  const departmentCode = input.departmentCode ?? null;
  if (departmentCode !== null && !departments.has(departmentCode))
    throw new ReplyTemplateError(`没有编码为 ${departmentCode} 的部门。`, "departmentCode");
  return { departmentCode, title: input.title.trim(), text: input.text.trim() };
}

/** The department's templates and the city-wide ones; every template when department is undefined. */
export function listReplyTemplates(prisma: PrismaClient, department?: string): Promise<ReplyTemplate[]> {
  return prisma.replyTemplate.findMany({
    where: department === undefined ? {} : { OR: [{ departmentCode: department }, { departmentCode: null }] },
    // City-wide ones first, then by department and title.
    orderBy: [{ departmentCode: { sort: "asc", nulls: "first" } }, { title: "asc" }, { createdAt: "asc" }],
  });
}

export function createReplyTemplate(
  prisma: PrismaClient,
  input: ReplyTemplateInput,
  departments: ReadonlySet<string>,
): Promise<ReplyTemplate> {
  return prisma.replyTemplate.create({ data: checked(input, departments) });
}

/** Replaces a template's department, title and text; undefined when there is no such template. */
export async function updateReplyTemplate(
  prisma: PrismaClient,
  id: string,
  input: ReplyTemplateInput,
  departments: ReadonlySet<string>,
): Promise<ReplyTemplate | undefined> {
  const data = checked(input, departments);
  const { count } = await prisma.replyTemplate.updateMany({ where: { id }, data: { ...data, updatedAt: new Date() } });
  return count === 0 ? undefined : prisma.replyTemplate.findUniqueOrThrow({ where: { id } });
}

/** True when a template was deleted. */
export async function deleteReplyTemplate(prisma: PrismaClient, id: string): Promise<boolean> {
  const { count } = await prisma.replyTemplate.deleteMany({ where: { id } });
  return count > 0;
}
