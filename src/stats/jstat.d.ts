// Types for the part of jStat (npm package "jstat", which ships none) that
// lenet-lab uses: Student's t distribution.
declare module "jstat" {
  interface StudentT {
    /** The p-quantile of Student's t with `dof` degrees of freedom. */
    inv(p: number, dof: number): number;
    /** P(T ≤ x) for Student's t with `dof` degrees of freedom. */
    cdf(x: number, dof: number): number;
  }
  const jstat: { jStat: { studentt: StudentT } };
  export default jstat;
}
