// Kernel APIs that start a function holding no lock: a kernel thread's function (kernel/kthread.c kthread()
// calls threadfn with nothing held), a work item's (kernel/workqueue.c process_one_work() calls the work
// function with no lock held, and reports a leaked one), a system call's body (entered from user space). A
// function registered through one of them is a root of the file's call graph whose entry state is known.

export interface EntryRegistration {
  /** The macro or function that registers the entry point. */
  name: string;
  /** The argument that names the function. */
  fnArg: number;
  /** What the function becomes, for messages: "a kernel thread". */
  context: string;
}

const thread = (name: string): EntryRegistration => ({ name, fnArg: 0, context: 'a kernel thread' });
const work = (name: string): EntryRegistration => ({ name, fnArg: 1, context: 'a work item' });

export const ENTRY_REGISTRATIONS: readonly EntryRegistration[] = [
  // include/linux/kthread.h
  thread('kthread_run'), thread('kthread_create'), thread('kthread_create_on_node'), thread('kthread_create_on_cpu'),
  thread('kthread_run_on_cpu'),
  // include/linux/workqueue.h
  work('INIT_WORK'), work('INIT_WORK_ONSTACK'), work('INIT_DELAYED_WORK'), work('INIT_DEFERRABLE_WORK'),
  work('DECLARE_WORK'), work('DECLARE_DELAYED_WORK'), work('DECLARE_DEFERRABLE_WORK'),
];

/** What a system call's body is (parse/functions.ts names it sys_<name>). */
export const SYSCALL_CONTEXT = 'a system call';
