//! A curve that keeps its whole history in bounded memory: when it grows past its limit,
//! every other point is dropped (the first and the newest always stay), so the start of
//! training is never lost, only seen at a coarser step.

/// Points kept before a curve is thinned.
pub const MAX_CURVE_POINTS: usize = 4_000;

/// Appends `point` to `points`; past [`MAX_CURVE_POINTS`] keeps every other point.
pub fn push_thinned(points: &mut Vec<[f64; 2]>, point: [f64; 2]) {
    points.push(point);
    if points.len() > MAX_CURVE_POINTS {
        let newest = point;
        let mut k = 0;
        points.retain(|_| {
            k += 1;
            k % 2 == 1
        });
        if points.last() != Some(&newest) {
            points.push(newest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_and_the_newest_points_survive_any_number_of_pushes() {
        let mut points = Vec::new();
        for k in 0..100_000 {
            push_thinned(&mut points, [k as f64, -(k as f64)]);
            assert!(points.len() <= MAX_CURVE_POINTS);
        }
        assert_eq!(points[0], [0.0, 0.0]);
        assert_eq!(points.last(), Some(&[99_999.0, -99_999.0]));
        assert!(
            points.windows(2).all(|w| w[0][0] < w[1][0]),
            "still in order"
        );
        assert!(points.len() > MAX_CURVE_POINTS / 2);
    }
}
